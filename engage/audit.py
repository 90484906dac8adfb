"""The audit log: who changed what, when, and which fields (never the personal values)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, inspect, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import UTCDateTime
from engage.extensions import db

#: Every action the app records, for the audit log filter.
AUDIT_ACTIONS = (
    "create",
    "update",
    "delete",
    "merge",
    "merged_into",
    "export",
    "import",
    "view",
    "deactivate",
    "reactivate",
    "sign_in",
    "sign_in_failed",
    "sign_in_refused",
    "locked",
    "unlock",
    "sign_out",
)


class AuditEntry(db.Model):
    """One change or security event. Rows are only ever added."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: The signed-in user who acted; None for residents and the system (cron, CLI without a user).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: create, update, delete, or an event such as sign_in, sign_in_failed, locked.
    action: Mapped[str] = mapped_column(String(40), index=True)
    #: The table of the object acted on, e.g. ``places``.
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: Names of the fields that changed. Values are left out on purpose: they may be personal.
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)

    actor = relationship("User", lazy="joined")

    def __repr__(self):
        return f"<AuditEntry {self.action} {self.object_type}:{self.object_id}>"


_INSERT = AuditEntry.__table__.insert()


def changed_fields(obj):
    """Return the names of the mapped attributes of ``obj`` changed in this session, sorted."""
    state = inspect(obj)
    names = []
    for attr in state.mapper.column_attrs:
        if state.attrs[attr.key].history.has_changes():
            names.append(attr.key)
    return sorted(names)


def record(actor, action, obj, changed=None, *, object_type=None, object_id=None):
    """Add an audit entry for ``obj`` to the current transaction (the caller commits).

    :param actor: the User who acted, or None for the system or an anonymous resident.
    :param changed: field names; for ``create`` the caller usually passes the fields set.
    """
    if obj is not None:
        if inspect(obj).pending or getattr(obj, "id", None) is None:
            db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else str(obj.id)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        changed_fields=sorted(changed or []),
    )
    db.session.add(entry)
    return entry


def insert(actor, action, object_type, object_id, changed=None):
    """Write an audit entry at once with a plain INSERT in the current transaction (the caller commits).

    For the hottest writes (a resident's submission), where adding an ORM entry costs more than the
    statement. Same columns as :func:`record`.
    """
    db.session.connection().execute(
        _INSERT,
        {
            "occurred_at": now_utc(),
            "actor_id": getattr(actor, "id", None),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changed_fields": sorted(changed or []),
        },
    )


def search_entries(*, actor_id=None, action=None, object_type=None, start=None, end=None):
    """Return a select of audit entries matching the filters, newest first.

    :param start: aware UTC datetime, inclusive. :param end: aware UTC datetime, inclusive.
    """
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if start is not None:
        query = query.where(AuditEntry.occurred_at >= start)
    if end is not None:
        query = query.where(AuditEntry.occurred_at <= end)
    return query


def object_types():
    """Return the object types that appear in the log, for the filter."""
    return db.session.scalars(select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
