"""Who may read a record, by its sensitivity (one predicate, reused by pages, lists and exports)."""

from sqlalchemy import exists, or_, true

from engage.permissions import Permission, Role, role_of, rule
from engage.records.models import EngagementRecord, Sensitivity, record_reviewers


@rule(Permission.RECORDS_READ)
def can_read_record(user, record):
    """Public and partner records: every signed-in member of staff. Restricted: the author,
    officers and administrators, and reviewers named on the record."""
    if record.sensitivity != Sensitivity.restricted:
        return True
    if role_of(user) in (Role.officer, Role.admin) or record.author_id == user.id:
        return True
    return any(reviewer.id == user.id for reviewer in record.reviewers)


def visible_to(user):
    """SQL condition: the records ``user`` may read (the same rule as can_read_record)."""
    if role_of(user) in (Role.officer, Role.admin):
        return true()
    named = exists().where(record_reviewers.c.record_id == EngagementRecord.id, record_reviewers.c.user_id == user.id)
    return or_(EngagementRecord.sensitivity != Sensitivity.restricted, EngagementRecord.author_id == user.id, named)


@rule(Permission.RECORDS_MANAGE)
def can_edit_record(user, record):
    """Officers and administrators edit any record they can read (all of them)."""
    return role_of(user) in (Role.officer, Role.admin)


# Reviewing (commenting, flagging, marking reviewed) needs exactly what reading does.
rule(Permission.RECORDS_REVIEW)(can_read_record)
