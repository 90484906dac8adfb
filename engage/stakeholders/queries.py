"""Reads of the stakeholder map: filtered lists, the grid counts, gaps."""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.extensions import db
from engage.permissions import Permission, can
from engage.reference.models import Place
from engage.stakeholders.models import (
    GroupMember,
    Membership,
    Organisation,
    Person,
    ProgrammeGroup,
    SeldomHeardGroup,
    organisation_groups,
    organisation_places,
    organisation_topics,
    person_groups,
    person_places,
    person_topics,
)

ORGANISATION_SORTS = {
    "name": (Organisation.name, Organisation.id),
    "updated": (Organisation.updated_at.desc(), Organisation.id.desc()),
    "influence": (Organisation.influence.desc(), Organisation.interest.desc(), Organisation.name),
}
PEOPLE_SORTS = {
    "name": (Person.name, Person.id),
    "updated": (Person.updated_at.desc(), Person.id.desc()),
    "influence": (Person.influence.desc(), Person.interest.desc(), Person.name),
}


@dataclass
class StakeholderFilter:
    """What the officer asked for on a list or the grid. Empty values mean 'any'."""

    q: str = ""
    kind: str = ""
    place_id: int | None = None
    topic_id: int | None = None
    group_id: int | None = None
    quadrant: str = ""
    influence: int | None = None
    interest: int | None = None
    sort: str = "name"
    place_ids: list = field(default_factory=list)


def place_and_descendants(place_id):
    """Return the id of the place and of every place below it (a filter on West Kent finds its PCNs)."""
    ids, frontier = {place_id}, [place_id]
    while frontier:
        children = db.session.scalars(select(Place.id).where(Place.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return sorted(ids)


def _like(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _apply(query, model, links, flt):
    places_table, topics_table, groups_table, key = links
    owner_column = getattr(places_table.c, key)
    if flt.place_id:
        ids = place_and_descendants(flt.place_id)
        query = query.where(model.id.in_(select(owner_column).where(places_table.c.place_id.in_(ids))))
    if flt.topic_id:
        query = query.where(
            model.id.in_(select(getattr(topics_table.c, key)).where(topics_table.c.topic_id == flt.topic_id))
        )
    if flt.group_id:
        query = query.where(
            model.id.in_(select(getattr(groups_table.c, key)).where(groups_table.c.group_id == flt.group_id))
        )
    if flt.quadrant:
        query = query.where(model.quadrant == flt.quadrant)
    if flt.influence:
        query = query.where(model.influence == flt.influence)
    if flt.interest:
        query = query.where(model.interest == flt.interest)
    return query


def organisations_query(flt):
    """Return a select of organisations matching the filter, sorted as asked."""
    query = select(Organisation).options(selectinload(Organisation.places), selectinload(Organisation.owner))
    if flt.q:
        query = query.where(or_(Organisation.name.ilike(_like(flt.q)), Organisation.postcode.ilike(_like(flt.q))))
    if flt.kind:
        query = query.where(Organisation.kind == flt.kind)
    query = _apply(
        query, Organisation, (organisation_places, organisation_topics, organisation_groups, "organisation_id"), flt
    )
    return query.order_by(*ORGANISATION_SORTS.get(flt.sort, ORGANISATION_SORTS["name"]))


def people_query(flt):
    """Return a select of people matching the filter, sorted as asked."""
    query = select(Person).options(
        selectinload(Person.memberships).selectinload(Membership.organisation),
        selectinload(Person.consents),
        selectinload(Person.owner),
    )
    if flt.q:
        like = _like(flt.q)
        query = query.where(or_(Person.name.ilike(like), Person.email.ilike(like), Person.job_title.ilike(like)))
    if flt.kind:
        # People "of a type" are those belonging to an organisation of that type.
        query = query.where(
            Person.id.in_(
                select(Membership.person_id)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(Organisation.kind == flt.kind)
            )
        )
    query = _apply(query, Person, (person_places, person_topics, person_groups, "person_id"), flt)
    return query.order_by(*PEOPLE_SORTS.get(flt.sort, PEOPLE_SORTS["name"]))


def grid_counts(flt):
    """Return {(influence, interest): {"organisations": n, "people": n}} for the power/interest grid."""
    counts = {}
    for label, query, model in (
        ("organisations", organisations_query(flt), Organisation),
        ("people", people_query(flt), Person),
    ):
        ids = query.with_only_columns(model.id).order_by(None).subquery()
        rows = db.session.execute(
            select(model.influence, model.interest, func.count())
            .where(model.id.in_(select(ids.c.id)), model.influence.is_not(None), model.interest.is_not(None))
            .group_by(model.influence, model.interest)
        ).all()
        for influence, interest, n in rows:
            counts.setdefault((influence, interest), {"organisations": 0, "people": 0})[label] = n
    return counts


def unscored_counts(flt):
    """Return how many matching organisations and people have no influence or interest yet."""
    result = {}
    for label, query, model in (
        ("organisations", organisations_query(flt), Organisation),
        ("people", people_query(flt), Person),
    ):
        query = query.where(or_(model.influence.is_(None), model.interest.is_(None)))
        result[label] = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return result


def find_organisations_by_name(name):
    """Return organisations whose name matches exactly, ignoring case."""
    return db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower()).limit(10)
    ).all()


def relationship_owners():
    """Return the active users who may own a relationship (officers and administrators)."""
    users = db.session.scalars(select(User).where(User.is_active).order_by(User.name)).all()
    return [u for u in users if can(u, Permission.STAKEHOLDERS_MANAGE)]


def seldom_heard_groups(include_archived=False):
    """Return the seldom-heard groups, by name."""
    query = select(SeldomHeardGroup).order_by(SeldomHeardGroup.is_archived, SeldomHeardGroup.name)
    if not include_archived:
        query = query.where(SeldomHeardGroup.is_archived.is_(False))
    return db.session.scalars(query).all()


def programme_groups():
    """Return programme groups with their members loaded, by name."""
    return db.session.scalars(
        select(ProgrammeGroup)
        .options(selectinload(ProgrammeGroup.members).selectinload(GroupMember.person))
        .order_by(ProgrammeGroup.name)
    ).all()


def groups_without_resident_representative():
    """Return programme groups on which no patient or resident representative sits."""
    return [g for g in programme_groups() if not g.has_resident_representative]


def likely_duplicate_people(person):
    """Return other people with the same email address (the simplest duplicate signal on a page)."""
    if not person.email:
        return []
    return db.session.scalars(
        select(Person).where(Person.email == person.email, Person.id != person.id).order_by(Person.name)
    ).all()
