"""Reads of the stakeholder map: filtered lists, the grid counts, gaps."""

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select, true
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.extensions import db
from engage.pagination import paginate
from engage.permissions import Permission, can
from engage.reference.models import Place
from engage.stakeholders.models import (
    GroupMember,
    Membership,
    Organisation,
    Person,
    ProgrammeGroup,
    Quadrant,
    SeldomHeardGroup,
    organisation_groups,
    organisation_places,
    organisation_topics,
    person_groups,
    person_places,
    person_topics,
    quadrant_condition,
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


def place_and_descendants(place_id):
    """Return the id of the place and of every place below it (a filter on West Kent finds its PCNs).

    One query for the whole tree (places are tens, not thousands), walked here.
    """
    children = {}
    for child, parent in db.session.execute(select(Place.id, Place.parent_id).where(Place.parent_id.is_not(None))):
        children.setdefault(parent, []).append(child)
    ids, frontier = {place_id}, [place_id]
    while frontier:
        frontier = [c for parent in frontier for c in children.get(parent, ()) if c not in ids]
        ids.update(frontier)
    return sorted(ids)


def search_condition(model, text):
    """Match every word of ``text`` anywhere in the stakeholder's search text (name, email, role, postcode).

    ``search_text`` is kept lower-cased by the model, so a plain LIKE is case-insensitive on both
    databases (and on PostgreSQL a trigram GIN index serves it). Wildcards typed by the user are
    escaped, so "%" and "_" match themselves.
    """
    parts = []
    for word in text.lower().split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append(model.search_text.like(f"%{escaped}%", escape="\\"))
    return and_(*parts) if parts else true()


def _link_condition(model, table, column, values, *, broad):
    """Stakeholders linked to any of ``values`` through ``table``.

    A place (with everything under it) usually matches a large share of the map: a correlated
    EXISTS probes the link table row by row, so a list walking the name index stops after a page.
    A topic or seldom-heard group is narrower: IN (...) lets the database start from its few links.
    """
    key = "organisation_id" if model is Organisation else "person_id"
    if broad:
        return exists().where(table.c[key] == model.id, table.c[column].in_(values))
    return model.id.in_(select(table.c[key]).where(table.c[column].in_(values)))


def conditions(model, flt):
    """Return the WHERE conditions of a filter, shared by the list, its count and the grid."""
    places, topics, groups = (
        (organisation_places, organisation_topics, organisation_groups)
        if model is Organisation
        else (person_places, person_topics, person_groups)
    )
    where = []
    if flt.q:
        where.append(search_condition(model, flt.q))
    if flt.kind:
        if model is Organisation:
            where.append(Organisation.kind == flt.kind)
        else:
            # People "of a type" are those belonging to an organisation of that type.
            where.append(
                Person.id.in_(
                    select(Membership.person_id)
                    .join(Organisation, Organisation.id == Membership.organisation_id)
                    .where(Organisation.kind == flt.kind)
                )
            )
    if flt.place_id:
        where.append(_link_condition(model, places, "place_id", place_and_descendants(flt.place_id), broad=True))
    if flt.topic_id:
        where.append(_link_condition(model, topics, "topic_id", [flt.topic_id], broad=False))
    if flt.group_id:
        where.append(_link_condition(model, groups, "group_id", [flt.group_id], broad=False))
    if flt.quadrant:
        where.append(quadrant_condition(model, flt.quadrant))
    if flt.influence:
        where.append(model.influence == flt.influence)
    if flt.interest:
        where.append(model.interest == flt.interest)
    return where


def _organisations_base(sort):
    return (
        select(Organisation)
        .options(selectinload(Organisation.places), selectinload(Organisation.owner))
        .order_by(*ORGANISATION_SORTS.get(sort, ORGANISATION_SORTS["name"]))
    )


def _people_base(sort):
    return (
        select(Person)
        .options(
            selectinload(Person.memberships).selectinload(Membership.organisation),
            selectinload(Person.consents),
            selectinload(Person.owner),
        )
        .order_by(*PEOPLE_SORTS.get(sort, PEOPLE_SORTS["name"]))
    )


def organisations_query(flt):
    """Return a select of organisations matching the filter, sorted as asked."""
    return _organisations_base(flt.sort).where(*conditions(Organisation, flt))


def people_query(flt):
    """Return a select of people matching the filter, sorted as asked."""
    return _people_base(flt.sort).where(*conditions(Person, flt))


def organisations_page(flt, page, per_page=25):
    """Return one count-capped page of organisations."""
    return paginate(_organisations_base(flt.sort), conditions(Organisation, flt), Organisation.id, page, per_page)


def people_page(flt, page, per_page=25):
    """Return one count-capped page of people."""
    return paginate(_people_base(flt.sort), conditions(Person, flt), Person.id, page, per_page)


def grid_counts(flt):
    """Return ({(influence, interest): {"organisations": n, "people": n}}, unscored counts) for the grid.

    One GROUP BY per table, served by the (influence, interest) indexes; rows missing either score
    come back as the unscored counts.
    """
    counts, unscored = {}, {"organisations": 0, "people": 0}
    for label, model in (("organisations", Organisation), ("people", Person)):
        rows = db.session.execute(
            select(model.influence, model.interest, func.count())
            .where(*conditions(model, flt))
            .group_by(model.influence, model.interest)
        ).all()
        for influence, interest, n in rows:
            if influence is None or interest is None:
                unscored[label] += n
            else:
                counts.setdefault((influence, interest), {"organisations": 0, "people": 0})[label] = n
    return counts, unscored


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
        .options(
            selectinload(ProgrammeGroup.members).selectinload(GroupMember.person),
            selectinload(ProgrammeGroup.place),  # shown beside each group on the list
        )
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


#: Quadrant order for the coverage list: those to manage closely come first.
QUADRANT_PRIORITY = [Quadrant.manage_closely, Quadrant.keep_satisfied, Quadrant.keep_informed, Quadrant.monitor]


def not_engaged_page(model, flt, days, page, per_page=25):
    """Stakeholders not in any engagement record in the last ``days`` days, most important first.

    Returns the page and {id: last engaged date} for its rows.
    """
    from datetime import timedelta

    from engage.dates import now_utc, to_london
    from engage.records.queries import engaged_since_condition, last_engaged_column

    since = to_london(now_utc()).date() - timedelta(days=days)
    priority = case(
        *[(quadrant_condition(model, q), n) for n, q in enumerate(QUADRANT_PRIORITY)], else_=len(QUADRANT_PRIORITY)
    )
    base = (_organisations_base if model is Organisation else _people_base)(flt.sort).order_by(None)
    base = base.order_by(priority, model.name, model.id)
    where = [*conditions(model, flt), ~engaged_since_condition(model, since)]
    result = paginate(base, where, model.id, page, per_page)
    ids = [row.id for row in result.items]
    last = (
        dict(db.session.execute(select(model.id, last_engaged_column(model)).where(model.id.in_(ids))).all())
        if ids
        else {}
    )
    return result, last
