"""Writes on the officers' side of responses. Each records its audit entry (field names only); the view commits."""

from engage import audit
from engage.analysis.models import ResponseCode, ResponseKeying, ResponseScan
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.responses.models import (
    AnalysisStatus,
    PublishConsent,
    RespondentType,
    Response,
    ResponseChannel,
)
from engage.responses.services import answers_hash, insert_answers, new_reference

#: Field names the audit log records for a keyed-in response (never the values).
KEYED_AUDIT_FIELDS = (
    "answers",
    "channel",
    "consultation_id",
    "email",
    "entered_by_id",
    "late",
    "name",
    "organisation_name",
    "publish_consent",
    "received_on",
    "reference",
    "respondent_type",
)


class CodingError(ValueError):
    """A code that cannot be made; the message is for the officer."""


def closing_date(consultation):
    """The London date the consultation closes on."""
    return to_london(consultation.closes_at).date()


def is_late(consultation, received_on):
    return received_on > closing_date(consultation)


def key_response(consultation, survey, *, actor, details, answers, checked=None, batch=None):
    """Store a response that arrived by post, email, phone or at an event, as an officer keyed it in.

    ``answers`` are clean (journey.validate_all); ``details`` hold channel, received_on,
    respondent_type, organisation_name, name, email and publish_consent. A received date after the
    closing date is kept and marked late. ``checked`` is an optional CheckedFile (the scan), stored
    through ``batch``.
    """
    organisation = details["respondent_type"] == RespondentType.organisation.value
    response = Response(
        consultation_id=consultation.id,
        reference=new_reference(),
        channel=ResponseChannel(details["channel"]),
        respondent_type=RespondentType(details["respondent_type"]),
        organisation_name=details.get("organisation_name", "") if organisation else "",
        name=details.get("name", ""),
        email=details.get("email", ""),
        publish_consent=PublishConsent(details["publish_consent"]),
        privacy_version=survey.privacy_version,
        submitted_at=now_utc(),
        received_on=details["received_on"],
        late=is_late(consultation, details["received_on"]),
        answers_hash=answers_hash(answers),
        entered_by_id=actor.id,
        analysis_status=AnalysisStatus.unread,
    )
    db.session.add(response)
    insert_answers(response, survey, answers)
    audit.record(actor, "create", response, KEYED_AUDIT_FIELDS)
    if checked is not None:
        add_scan(response, checked, actor=actor, batch=batch)
    return response


def add_scan(response, checked, *, actor, batch):
    """Store the scan or copy of an offline response through ``batch`` (undone if the request fails)."""
    scan = ResponseScan(
        response_id=response.id,
        storage_key=batch.put(checked.data, checked.content_type),
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(scan)
    audit.record(actor, "create", scan, ["content_type", "filename", "response_id", "sha256", "size", "storage_key"])
    return scan


def add_second_keying(response, *, actor, details, answers):
    """Keep a second officer's keying of the same paper response, to compare with the first."""
    keying = ResponseKeying(response_id=response.id, keyed_by_id=actor.id, details=details, answers=answers)
    db.session.add(keying)
    audit.record(actor, "create", keying, ["answers", "details", "response_id"])
    return keying


def set_deadline_rules(consultation, *, actor, rules):
    """State how each channel's deadline is applied (shown when officers key responses in)."""
    if consultation.deadline_rules != rules:
        consultation.deadline_rules = rules
        audit.record(actor, "update", consultation, ["deadline_rules"])


def set_unread_reason(consultation, *, actor, reason):
    """Record why the outcome may be published while responses are unread (publish_outcome reads it)."""
    if consultation.unread_outcome_reason != reason:
        consultation.unread_outcome_reason = reason
        audit.record(actor, "update", consultation, ["unread_outcome_reason"])


def mark_read(response, *, actor):
    """Opening an unread response marks it read."""
    if response.analysis_status == AnalysisStatus.unread:
        response.analysis_status = AnalysisStatus.read
        audit.record(actor, "update", response, ["analysis_status"])
        return True
    return False


def set_status(response, status, *, actor):
    """Set a response's analysis status (unread, read, coded)."""
    if response.analysis_status != status:
        response.analysis_status = status
        audit.record(actor, "update", response, ["analysis_status"])


def mark_duplicate(response, *, actor, reason):
    """Mark a duplicate: kept, left out of the counts, counted separately."""
    response.duplicate = True
    response.duplicate_reason = reason
    audit.record(actor, "update", response, ["duplicate", "duplicate_reason"])


def unmark_duplicate(response, *, actor):
    """Count a response marked as a duplicate again; its reason goes with the mark."""
    if response.duplicate:
        response.duplicate = False
        response.duplicate_reason = ""
        audit.record(actor, "update", response, ["duplicate", "duplicate_reason"])


def locate_passage(text, *, passage="", start=None, end=None):
    """Return (start, end) of the passage in ``text``; (None, None) for the whole answer.

    :raises CodingError: when the passage is not in the answer, or the offsets fall outside it.
    """
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(text):
            raise CodingError(
                f"The passage must start and end inside the answer, which is {len(text):,} characters long"
            )
        if passage and text[start:end] != passage:
            raise CodingError("The highlighted passage does not match the answer at those positions")
        return start, end
    if passage:
        found = text.find(passage)
        if found < 0:
            raise CodingError("That passage is not in the answer: copy the words exactly as they appear in it")
        return found, found + len(passage)
    return None, None


def code_answer(response, answer, theme, *, actor, passage="", start=None, end=None, is_quote=False):
    """Code a written answer, or a passage of it, to a theme. Marks the response coded.

    :raises CodingError: when the answer is not this response's, or the passage is not in it.
    """
    if answer is None or answer.response_id != response.id:
        raise CodingError("That answer is not part of this response")
    start, end = locate_passage(answer.text, passage=passage, start=start, end=end)
    if start is not None and start == 0 and end == len(answer.text):
        start = end = None
    code = ResponseCode(
        response_id=response.id,
        answer_id=answer.id,
        question_id=answer.question_id,
        theme_id=theme.id,
        start_offset=start,
        end_offset=end,
        is_quote=is_quote,
        coded_by_id=actor.id,
    )
    db.session.add(code)
    audit.record(
        actor,
        "create",
        code,
        ["answer_id", "end_offset", "is_quote", "question_id", "response_id", "start_offset", "theme_id"],
    )
    set_status(response, AnalysisStatus.coded, actor=actor)
    return code


def set_quote(code, is_quote, *, actor):
    """Pick a coded passage as a quote for the outcome, or unpick it."""
    if code.is_quote != is_quote:
        code.is_quote = is_quote
        audit.record(actor, "update", code, ["is_quote"])


def remove_code(code, response, *, actor):
    """Remove a code; a response left with no codes goes back from coded to read."""
    audit.record(actor, "delete", code, ["theme_id"])
    db.session.delete(code)
    db.session.flush()
    remaining = db.session.query(ResponseCode.id).filter(ResponseCode.response_id == response.id).first()
    if remaining is None and response.analysis_status == AnalysisStatus.coded:
        set_status(response, AnalysisStatus.read, actor=actor)
