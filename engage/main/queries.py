"""Reads for the home page and dashboard."""

from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from engage.audit import AuditEntry
from engage.charts import last_months
from engage.extensions import db
from engage.records.models import (
    OPEN_STATUSES,
    EngagementRecord,
    RecordAction,
    RecordKind,
    record_places,
    record_topics,
)
from engage.records.rules import visible_to
from engage.reference.models import Place, Topic
from engage.reference.queries import active_topics, place_tree

__all__ = ["active_topics", "activity", "overdue_actions", "place_tree", "recent_activity_of"]


def recent_activity_of(user, limit=10):
    """Return the user's own latest audit entries, newest first."""
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()


def activity(user, today, months=12):
    """Records ``user`` may read that happened in the last ``months`` London months up to ``today``,
    counted by month (every month listed, zeros included), by place, by topic and by type.

    A record with two places counts once for each place, so the place and topic tables can add up
    to more than the number of records.
    """
    month_starts = last_months(today, months)
    window = [visible_to(user), EngagementRecord.happened_on >= month_starts[0], EngagementRecord.happened_on <= today]
    year, month = extract("year", EngagementRecord.happened_on), extract("month", EngagementRecord.happened_on)
    per_month = {
        (int(y), int(m)): n
        for y, m, n in db.session.execute(
            select(year, month, func.count(EngagementRecord.id)).where(*window).group_by(year, month)
        )
    }

    def grouped(model, link, column):
        rows = db.session.execute(
            select(model.name, func.count(EngagementRecord.id))
            .select_from(EngagementRecord)
            .join(link, link.c.record_id == EngagementRecord.id)
            .join(model, model.id == link.c[column])
            .where(*window)
            .group_by(model.id, model.name)
        ).all()
        return sorted(((name, n) for name, n in rows), key=lambda pair: (-pair[1], pair[0]))

    kinds = db.session.execute(
        select(EngagementRecord.kind, func.count(EngagementRecord.id)).where(*window).group_by(EngagementRecord.kind)
    ).all()
    return {
        "since": month_starts[0],
        "total": sum(per_month.values()),
        "by_month": [(m, per_month.get((m.year, m.month), 0)) for m in month_starts],
        "by_place": grouped(Place, record_places, "place_id"),
        "by_topic": grouped(Topic, record_topics, "topic_id"),
        "by_type": sorted(((RecordKind(kind).label, n) for kind, n in kinds), key=lambda pair: (-pair[1], pair[0])),
    }


def overdue_actions(user, today, limit=20):
    """Open or in-progress actions due before ``today`` (London) on records ``user`` may read, oldest due first."""
    return db.session.scalars(
        select(RecordAction)
        .join(EngagementRecord, EngagementRecord.id == RecordAction.record_id)
        .where(visible_to(user), RecordAction.status.in_(OPEN_STATUSES), RecordAction.due_on < today)
        .options(selectinload(RecordAction.record))
        .order_by(RecordAction.due_on, RecordAction.id)
        .limit(limit)
    ).all()
