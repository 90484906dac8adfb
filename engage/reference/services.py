"""Writes to places and topics, each with its audit entry."""

from engage import audit
from engage.extensions import db
from engage.records.services import relink
from engage.reference.models import Place, Topic

PLACE_FIELDS = ("name", "kind", "parent_id", "code", "population", "breakdown", "description", "postcode_districts")


class ReferenceRuleError(ValueError):
    """A change the reference data rules do not allow; the message is for the user."""


def create_place(*, actor, **values):
    """Create a place; the form has already checked the kind fits under the parent."""
    place = Place(**{k: values[k] for k in PLACE_FIELDS})
    db.session.add(place)
    audit.record(actor, "create", place, [k for k in PLACE_FIELDS if values.get(k) not in (None, "", {})])
    return place


def update_place(place, *, actor, **values):
    """Change a place's details."""
    for key in PLACE_FIELDS:
        setattr(place, key, values[key])
    changed = audit.changed_fields(place)
    if changed:
        audit.record(actor, "update", place, changed)
    db.session.flush()
    return changed


def delete_place(place, *, actor):
    """Delete a place that has nothing beneath it.

    :raises ReferenceRuleError: if the place still has places under it.
    """
    if place.children:
        raise ReferenceRuleError(f"{place.name} has places under it. Move or delete those first.")
    relink("places", place, None, actor=actor)
    audit.record(actor, "delete", place)
    db.session.delete(place)
    db.session.flush()


def create_topic(*, actor, name, description=""):
    """Create a topic."""
    topic = Topic(name=name.strip(), description=description.strip())
    db.session.add(topic)
    audit.record(actor, "create", topic, ["name", "description"] if description else ["name"])
    return topic


def update_topic(topic, *, actor, name, description, is_archived):
    """Rename, describe, archive or restore a topic."""
    topic.name = name.strip()
    topic.description = description.strip()
    topic.is_archived = is_archived
    changed = audit.changed_fields(topic)
    if changed:
        audit.record(actor, "update", topic, changed)
    db.session.flush()
    return changed
