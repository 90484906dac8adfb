"""Reads of places and topics."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.reference.models import Place, PlaceKind, Topic


def place_tree():
    """Return the systems with their places and neighbourhoods loaded, by name."""
    return db.session.scalars(
        select(Place)
        .where(Place.parent_id.is_(None))
        .options(selectinload(Place.children).selectinload(Place.children))
        .order_by(Place.name)
    ).all()


def place_choices(exclude=None, include_all=False):
    """Return ``(id, "System › Place", kind)`` for every place in tree order.

    By default neighbourhoods are left out (they can be nobody's parent); ``include_all``
    keeps them, for choosing the places a stakeholder covers.
    """
    # One query for the whole tree (walking ORM children lazily costs a query per place).
    children = {}
    for row in db.session.execute(select(Place.id, Place.name, Place.kind, Place.parent_id).order_by(Place.name)):
        children.setdefault(row.parent_id, []).append(row)
    choices = []

    def walk(nodes, prefix):
        for node in nodes:
            if exclude is not None and node.id == exclude.id:
                continue
            label = f"{prefix}{node.name}"
            if include_all or node.kind != PlaceKind.neighbourhood:
                choices.append((node.id, label, node.kind))
            walk(children.get(node.id, ()), f"{label} › ")

    walk(children.get(None, ()), "")
    return choices


def active_topics():
    """Return ``(id, name)`` rows of the topics still offered for new records, by name (for choices)."""
    return db.session.execute(
        select(Topic.id, Topic.name).where(Topic.is_archived.is_(False)).order_by(Topic.name)
    ).all()


def all_topics():
    """Return every topic, archived last."""
    return db.session.scalars(select(Topic).order_by(Topic.is_archived, Topic.name)).all()


def topic_name_taken(name, exclude_id=None):
    """Return True if another topic has this name, ignoring case.

    Compared in Python: SQLite's lower() folds only ASCII, so "ÉCOLE" and "école" would differ there.
    There are tens of topics, not thousands.
    """
    query = select(Topic.name)
    if exclude_id is not None:
        query = query.where(Topic.id != exclude_id)
    wanted = name.strip().casefold()
    return any(existing.casefold() == wanted for existing in db.session.scalars(query))
