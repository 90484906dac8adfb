"""Reads for the home page and dashboard."""

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.extensions import db
from engage.reference.queries import active_topics, place_tree

__all__ = ["active_topics", "place_tree", "recent_activity_of"]


def recent_activity_of(user, limit=10):
    """Return the user's own latest audit entries, newest first."""
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
