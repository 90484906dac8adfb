"""Writes for publishing responses: publish, reject, redact, remove a redaction. Each is audited; the view commits."""

from engage import audit
from engage.analysis.services import CodingError, locate_passage
from engage.dates import now_utc
from engage.extensions import db
from engage.publishing.models import ModerationStatus, ResponsePublication, ResponseRedaction
from engage.publishing.queries import REDACTABLE, publication_of
from engage.responses.models import PublishConsent

NO_CONSENT = (
    "This respondent asked us not to publish their response, so it can never be published. "
    "You can still use it in the analysis and quote it without their identity."
)
DUPLICATE = "This response is marked as a duplicate, so it is not published. Publish the response it duplicates."
NOT_PUBLIC = "This consultation is not public yet, so its responses cannot be published."


class PublishingError(ValueError):
    """A publishing change that is not allowed; the message is for the officer."""


def _decide(response, status, *, actor, note=""):
    publication = publication_of(response.id)
    if publication is None:
        publication = ResponsePublication(response_id=response.id, consultation_id=response.consultation_id)
        db.session.add(publication)
        action, changed = "create", ["consultation_id", "decided_at", "decided_by_id", "note", "response_id", "status"]
    else:
        action, changed = "update", ["decided_at", "decided_by_id", "note", "status"]
    publication.status = status
    publication.note = note
    publication.decided_by_id = getattr(actor, "id", None)
    publication.decided_at = now_utc()
    audit.record(actor, action, publication, changed)
    return publication


def publish(response, *, actor):
    """Publish ``response`` on the consultation's public pages (with its redactions applied).

    :raises PublishingError: when the respondent did not agree, it is a duplicate, or the consultation
        is not public.
    """
    if response.publish_consent not in (PublishConsent.anonymous, PublishConsent.named):
        raise PublishingError(NO_CONSENT)
    if response.duplicate:
        raise PublishingError(DUPLICATE)
    if not response.consultation.is_public:
        raise PublishingError(NOT_PUBLIC)
    return _decide(response, ModerationStatus.published, actor=actor)


def reject(response, *, actor, note=""):
    """Decide not to publish ``response`` (or take a published one down), with an optional note."""
    return _decide(response, ModerationStatus.rejected, actor=actor, note=(note or "").strip())


def redact(response, answer, *, actor, reason, passage="", start=None, end=None):
    """Hide a passage (or the whole) of a written answer from the published response, with the reason.

    :raises PublishingError: when the answer is not this response's written answer, the passage is not
        in it, or no reason is given.
    """
    if answer is None or answer.response_id != response.id:
        raise PublishingError("That answer is not part of this response")
    if answer.question.kind not in REDACTABLE:
        raise PublishingError("Only written answers can be redacted; other answers hold no free text")
    reason = (reason or "").strip()
    if not reason:
        raise PublishingError("Enter why this passage is redacted")
    if not answer.text:
        raise PublishingError("This answer is empty: there is nothing to redact")
    try:
        start, end = locate_passage(answer.text, passage=passage, start=start, end=end)
    except CodingError as error:
        raise PublishingError(str(error)) from None
    if start is None:
        start, end = 0, len(answer.text)
    redaction = ResponseRedaction(
        response_id=response.id,
        answer_id=answer.id,
        start_offset=start,
        end_offset=end,
        reason=reason,
        redacted_by_id=getattr(actor, "id", None),
        redacted_at=now_utc(),
    )
    db.session.add(redaction)
    audit.record(actor, "create", redaction, ["answer_id", "end_offset", "reason", "response_id", "start_offset"])
    return redaction


def remove_redaction(redaction, *, actor):
    """Show a redacted passage again on the published response."""
    audit.record(actor, "delete", redaction, ["answer_id", "end_offset", "start_offset"])
    db.session.delete(redaction)
    db.session.flush()
