"""Writes to engagement records, each with its audit entry. The caller commits."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.records.models import (
    ActionStatus,
    EngagementRecord,
    RecordAction,
    RecordAttachment,
    RecordComment,
    RecordFlag,
    RecordQuote,
    RecordReview,
)

RECORD_FIELDS = (
    "title",
    "kind",
    "happened_on",
    "ended_on",
    "programme_group_id",
    "residents_reached",
    "what_we_heard",
    "outcomes",
    "sensitivity",
)
LINK_FIELDS = ("places", "topics", "organisations", "people", "reviewers")


def _apply(record, values):
    changed = []
    for key in RECORD_FIELDS:
        if getattr(record, key) != values[key]:
            setattr(record, key, values[key])
            changed.append(key)
    for key in LINK_FIELDS:
        if {o.id for o in getattr(record, key)} != {o.id for o in values[key]}:
            setattr(record, key, list(values[key]))
            changed.append(key)
    if [q.text for q in record.quotes] != values["quotes"]:
        # Keep the rows of quotes whose words did not change: themes may hold them as evidence.
        kept = {}
        for quote in record.quotes:
            kept.setdefault(quote.text, []).append(quote)
        record.quotes = [kept[text].pop(0) if kept.get(text) else RecordQuote(text=text) for text in values["quotes"]]
        changed.append("quotes")
    return changed


def create_record(*, actor, **values):
    """Log an engagement record."""
    record = EngagementRecord(author_id=getattr(actor, "id", None))
    db.session.add(record)
    changed = _apply(record, values)
    audit.record(actor, "create", record, changed)
    return record


def update_record(record, *, actor, **values):
    """Change a record; the audit entry names the fields that changed."""
    changed = _apply(record, values)
    if changed:
        audit.record(actor, "update", record, changed)
    db.session.flush()
    return changed


def record_viewed(record, *, actor):
    """Log that someone opened a restricted record (who and when; never what it says)."""
    audit.record(actor, "view", record)


def add_comment(record, *, actor, body):
    """Comment on a record."""
    comment = RecordComment(record_id=record.id, author_id=actor.id, body=body.strip())
    db.session.add(comment)
    audit.record(actor, "create", comment, ["body", "record_id"])
    return comment


def raise_flag(record, *, actor, reason, note=""):
    """Flag a record for an officer's attention."""
    flag = RecordFlag(record=record, reason=reason, note=note.strip(), raised_by_id=actor.id)
    db.session.add(flag)
    audit.record(actor, "create", flag, ["note", "reason", "record_id"])
    return flag


def resolve_flag(flag, *, actor, resolution):
    """Close a flag, saying what was done about it.

    :raises ValueError: if the flag is already resolved (two officers acting at once).
    """
    if not flag.is_open:
        raise ValueError("This flag has already been resolved")
    flag.resolved_at = now_utc()
    flag.resolved_by_id = actor.id
    flag.resolution = resolution.strip()
    audit.record(actor, "update", flag, ["resolution", "resolved_at", "resolved_by_id"])
    db.session.flush()


def mark_reviewed(record, *, actor):
    """Mark the record as reviewed by ``actor`` (doing it twice changes nothing)."""
    if db.session.get(RecordReview, (record.id, actor.id)) is not None:
        return None
    review = RecordReview(record_id=record.id, reviewer_id=actor.id)
    db.session.add(review)
    audit.record(actor, "create", review, ["record_id", "reviewer_id"], object_id=f"{record.id}:{actor.id}")
    db.session.flush()
    return review


ACTION_FIELDS = ("description", "owner", "due_on", "status", "outcome")


def _london_today():
    return to_london(now_utc()).date()


def _apply_action(action, values):
    changed = [key for key in ACTION_FIELDS if getattr(action, key) != values[key]]
    for key in changed:
        setattr(action, key, values[key])
    # completed_on follows the status: set on the London day it is first marked done, cleared on reopening.
    completed_on = (action.completed_on or _london_today()) if action.status == ActionStatus.done else None
    if action.completed_on != completed_on:
        action.completed_on = completed_on
        changed.append("completed_on")
    return changed


def add_action(record, *, actor, **values):
    """Agree an action on a record: what, who owns it, by when."""
    action = RecordAction(record=record, created_by_id=getattr(actor, "id", None))
    db.session.add(action)
    changed = _apply_action(action, values)
    audit.record(actor, "create", action, [*changed, "record_id"])
    return action


def update_action(action, *, actor, **values):
    """Change an action (its status, owner, due date or outcome); returns the fields changed."""
    changed = _apply_action(action, values)
    if changed:
        audit.record(actor, "update", action, changed)
    db.session.flush()
    return changed


ATTACHMENT_FIELDS = ["content_type", "filename", "record_id", "sha256", "size", "storage_key", "text"]


def add_attachments(record, files, *, actor, batch):
    """Store checked files and attach them to ``record``, one audit entry each.

    :param files: CheckedFile objects from engage.records.attachments.check_upload.
    :param batch: an engage.storage Batch; the caller commits inside it, so a failed commit
        removes the stored files again.
    :raises engage.storage.StorageError: if the store refuses a file (the batch then undoes).
    """
    added = []
    for checked in files:
        key = batch.put(checked.data, checked.content_type)
        attachment = RecordAttachment(
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            storage_key=key,
            sha256=checked.sha256,
            text=checked.text,
            uploaded_by_id=getattr(actor, "id", None),
        )
        record.attachments.append(attachment)
        db.session.add(attachment)
        audit.record(actor, "create", attachment, ATTACHMENT_FIELDS)
        added.append(attachment)
    return added


def delete_attachment(attachment, *, actor):
    """Remove an attachment's row and return its storage key; the caller deletes the file after commit."""
    key = attachment.storage_key
    audit.record(actor, "delete", attachment, ATTACHMENT_FIELDS)
    attachment.record.attachments.remove(attachment)
    db.session.flush()
    return key


def attachment_downloaded(attachment, *, actor):
    """Log that someone opened an attachment of a restricted record (who and when; never what)."""
    audit.record(actor, "view", attachment)


def relink(link, old, new, *, actor):
    """Engagement records that name ``old`` in their ``link`` collection name ``new`` instead, or
    nothing more when ``new`` is None: for a stakeholder merged into another, or a place or
    organisation deleted.

    Otherwise the link rows would simply go with ``old`` when it is deleted, and a merge would lose
    who took part. Done through each record, so each gets its audit entry and its search index row
    is rewritten (its filter tags must not keep ``old``'s id, which SQLite may give a new row).
    """
    collection = getattr(EngagementRecord, link)
    # The collections in one more query, not one per record.
    records = db.session.scalars(
        select(EngagementRecord).where(collection.contains(old)).options(selectinload(collection))
    ).all()
    for record in records:
        linked = getattr(record, link)
        linked.remove(old)
        if new is not None and new not in linked:
            linked.append(new)
        audit.record(actor, "update", record, [link])
