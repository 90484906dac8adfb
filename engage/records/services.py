"""Writes to engagement records, each with its audit entry. The caller commits."""

from engage import audit
from engage.extensions import db
from engage.records.models import EngagementRecord, RecordQuote

RECORD_FIELDS = (
    "title",
    "kind",
    "happened_on",
    "ended_on",
    "programme_group_id",
    "residents_reached",
    "what_we_heard",
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
        record.quotes = [RecordQuote(text=text) for text in values["quotes"]]
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
