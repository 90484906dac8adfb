"""Reads of engagement records, always through the visibility rule."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.pagination import paginate
from engage.records.models import EngagementRecord, record_organisations, record_people, record_places, record_topics
from engage.records.rules import visible_to
from engage.stakeholders.queries import place_and_descendants


@dataclass
class RecordFilter:
    """What the user asked for on the records list. Empty values mean 'any'."""

    q: str = ""
    kind: str = ""
    place_id: int | None = None
    topic_id: int | None = None
    organisation_id: int | None = None
    sensitivity: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _like(word):
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(user, flt):
    """WHERE conditions for the records ``user`` may read that match ``flt``."""
    where = [visible_to(user)]
    for word in flt.q.split()[:8]:
        pattern = _like(word)
        where.append(
            or_(
                EngagementRecord.title.ilike(pattern, escape="\\"),
                EngagementRecord.what_we_heard.ilike(pattern, escape="\\"),
            )
        )
    if flt.kind:
        where.append(EngagementRecord.kind == flt.kind)
    if flt.sensitivity:
        where.append(EngagementRecord.sensitivity == flt.sensitivity)
    if flt.place_id:
        ids = place_and_descendants(flt.place_id)
        where.append(
            exists().where(record_places.c.record_id == EngagementRecord.id, record_places.c.place_id.in_(ids))
        )
    if flt.topic_id:
        where.append(
            exists().where(record_topics.c.record_id == EngagementRecord.id, record_topics.c.topic_id == flt.topic_id)
        )
    if flt.organisation_id:
        where.append(
            exists().where(
                record_organisations.c.record_id == EngagementRecord.id,
                record_organisations.c.organisation_id == flt.organisation_id,
            )
        )
    if flt.date_from:
        where.append(EngagementRecord.happened_on >= flt.date_from)
    if flt.date_to:
        where.append(EngagementRecord.happened_on <= flt.date_to)
    return where


def records_page(user, flt, page, per_page=25):
    """Return one page of the records ``user`` may read, newest first."""
    base = (
        select(EngagementRecord)
        .options(selectinload(EngagementRecord.places), selectinload(EngagementRecord.topics))
        .order_by(EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
    )
    return paginate(base, conditions(user, flt), EngagementRecord.id, page, per_page)


def records_with(user, link_table, column, object_id, limit=10):
    """Return the newest records ``user`` may read that involve one organisation or person."""
    return db.session.scalars(
        select(EngagementRecord)
        .where(
            visible_to(user),
            exists().where(link_table.c.record_id == EngagementRecord.id, link_table.c[column] == object_id),
        )
        .order_by(EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
        .limit(limit)
    ).all()


def last_engaged_on(link_table, column, object_id):
    """Return the date of the most recent record of any sensitivity involving the stakeholder.

    Only the date is shown to everyone; which record it was is shown only to those who may read it.
    """
    return db.session.scalar(
        select(func.max(EngagementRecord.happened_on))
        .join(link_table, link_table.c.record_id == EngagementRecord.id)
        .where(link_table.c[column] == object_id)
    )


def engaged_since_condition(model, since):
    """SQL condition: the organisation or person took part in a record on or after ``since``."""
    from engage.stakeholders.models import Organisation

    table, column = (record_organisations, "organisation_id") if model is Organisation else (record_people, "person_id")
    return exists().where(
        and_(
            table.c[column] == model.id,
            table.c.record_id == EngagementRecord.id,
            EngagementRecord.happened_on >= since,
        )
    )


def last_engaged_column(model):
    """A correlated scalar subquery: the stakeholder's latest record date (or NULL)."""
    from engage.stakeholders.models import Organisation

    table, column = (record_organisations, "organisation_id") if model is Organisation else (record_people, "person_id")
    return (
        select(func.max(EngagementRecord.happened_on))
        .join(table, table.c.record_id == EngagementRecord.id)
        .where(table.c[column] == model.id)
        .scalar_subquery()
    )


def review_queue_page(user, page, per_page=25):
    """Records ``user`` may read and has not yet marked reviewed, newest first."""
    from engage.records.models import RecordReview

    base = select(EngagementRecord).order_by(EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
    not_reviewed = ~exists().where(RecordReview.record_id == EngagementRecord.id, RecordReview.reviewer_id == user.id)
    return paginate(base, [visible_to(user), not_reviewed], EngagementRecord.id, page, per_page)


def open_flags(user):
    """Unresolved flags on records ``user`` may read, oldest first."""
    from engage.records.models import RecordFlag

    return db.session.scalars(
        select(RecordFlag)
        .join(EngagementRecord, EngagementRecord.id == RecordFlag.record_id)
        .where(RecordFlag.resolved_at.is_(None), visible_to(user))
        .options(selectinload(RecordFlag.record), selectinload(RecordFlag.raised_by))
        .order_by(RecordFlag.raised_at, RecordFlag.id)
    ).all()
