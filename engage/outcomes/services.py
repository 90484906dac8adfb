"""Writes for the outcome: themes, decisions and their dated updates; the summary. Audited; the view commits."""

from engage import audit
from engage.dates import now_utc
from engage.extensions import db
from engage.outcomes.models import DecisionStatus, DecisionUpdate, OutcomeDecision, OutcomeTheme
from engage.outcomes.queries import entry_for


class OutcomeError(ValueError):
    """A change the outcome does not allow; the message is for the officer."""


def add_theme(consultation, theme, *, actor, you_said):
    if entry_for(consultation.id, theme.id) is not None:
        raise OutcomeError(f"“{theme.title}” is already in this outcome: change it there")
    entry = OutcomeTheme(
        consultation_id=consultation.id, theme_id=theme.id, you_said=you_said, created_by_id=getattr(actor, "id", None)
    )
    db.session.add(entry)
    audit.record(actor, "create", entry, ["consultation_id", "theme_id", "you_said"])
    return entry


def edit_theme(entry, *, actor, you_said):
    if entry.you_said != you_said:
        entry.you_said = you_said
        audit.record(actor, "update", entry, ["you_said"])


def remove_theme(entry, *, actor):
    """Remove a theme added by mistake: only with no decisions and before the outcome is published.

    A recorded decision is part of the record: it is never deleted, only moved on (for example to
    "not taken forward", with the reason).
    """
    if entry.consultation.outcome_published_at is not None:
        raise OutcomeError(
            "The outcome is published, so its themes and decisions stay: update a decision's status instead"
        )
    if entry.decisions:
        raise OutcomeError(
            "This theme has decisions, which stay on the record: "
            "set a decision to “Not taken forward” with the reason instead"
        )
    audit.record(actor, "delete", entry, ["theme_id"])
    db.session.delete(entry)
    db.session.flush()


def _check_reason(status, reason):
    if status == DecisionStatus.not_taken_forward and not (reason or "").strip():
        raise OutcomeError("Enter why it was not taken forward")


def add_decision(entry, *, actor, decision, owner, due_on, status, progress="", reason=""):
    status = DecisionStatus(status)
    _check_reason(status, reason)
    item = OutcomeDecision(
        outcome_theme_id=entry.id,
        consultation_id=entry.consultation_id,
        decision=decision,
        owner=owner,
        due_on=due_on,
        status=status,
        progress=progress or "",
        reason=reason if status == DecisionStatus.not_taken_forward else "",
        decided_by_id=getattr(actor, "id", None),
    )
    db.session.add(item)
    audit.record(
        actor,
        "create",
        item,
        ["consultation_id", "decision", "due_on", "outcome_theme_id", "owner", "progress", "reason", "status"],
    )
    _add_update(item, actor)
    return item


def edit_decision(item, *, actor, decision, owner, due_on):
    changed = []
    for key, value in (("decision", decision), ("owner", owner), ("due_on", due_on)):
        if getattr(item, key) != value:
            setattr(item, key, value)
            changed.append(key)
    if changed:
        audit.record(actor, "update", item, sorted(changed))
    return changed


def _add_update(item, actor):
    db.session.flush()
    number = len(item.updates) + 1
    update = DecisionUpdate(
        decision_id=item.id,
        status=item.status,
        progress=item.progress,
        reason=item.reason,
        recorded_at=now_utc(),
        recorded_by_id=getattr(actor, "id", None),
        number=number,
    )
    item.updates.append(update)
    audit.record(actor, "create", update, ["decision_id", "progress", "reason", "status"])
    return update


def update_progress(item, *, actor, status, progress="", reason=""):
    """Record a dated change of status and/or progress; it is shown publicly with its date.

    :raises OutcomeError: when "not taken forward" has no reason, or nothing changed.
    """
    status = DecisionStatus(status)
    _check_reason(status, reason)
    progress = (progress or "").strip()
    reason = (reason or "").strip() if status == DecisionStatus.not_taken_forward else ""
    if status == item.status and not progress and reason == item.reason:
        raise OutcomeError("Change the status or write what has happened since the last update")
    changed = []
    if item.status != status:
        item.status = status
        changed.append("status")
    if progress:
        item.progress = progress
        changed.append("progress")
    if item.reason != reason:
        item.reason = reason
        changed.append("reason")
    audit.record(actor, "update", item, sorted(changed))
    return _add_update(item, actor)


def save_summary(consultation, *, actor, outcome):
    """Save the outcome's summary: a draft before publication, a dated correction after it."""
    if consultation.outcome != outcome:
        consultation.outcome = outcome
        audit.record(actor, "update", consultation, ["outcome"])
