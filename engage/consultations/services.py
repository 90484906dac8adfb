"""Writes to consultations, each with its audit entry (field names only). The caller commits."""

from engage import audit
from engage.consultations.models import (
    ClosingDateExtension,
    Consultation,
    ConsultationDocument,
    ConsultationDocumentVersion,
    ConsultationEvent,
    ConsultationStage,
    ConsultationStatus,
    FormatRequest,
)
from engage.dates import now_utc
from engage.extensions import db

CONSULTATION_FIELDS = (
    "title",
    "summary",
    "body",
    "audiences",
    "contact_name",
    "contact_email",
    "contact_phone",
    "has_online_survey",
    "postal_address",
    "response_email",
    "fairness_why_now",
    "fairness_information",
    "fairness_length",
)
#: The address and dates change through the form only while a draft: after that, links are out and
#: people plan around the dates, so the closing date moves only by a logged extension.
DRAFT_ONLY_FIELDS = ("slug", "opens_at", "closes_at")
LINK_FIELDS = ("places", "topics")


class TransitionError(ValueError):
    """A change the consultation's status does not allow; the message is for the officer."""


def _apply(consultation, values):
    changed = []
    fields = CONSULTATION_FIELDS + (DRAFT_ONLY_FIELDS if consultation.stage == ConsultationStage.draft else ())
    for key in fields:
        if key in values and getattr(consultation, key) != values[key]:
            setattr(consultation, key, values[key])
            changed.append(key)
    for key in LINK_FIELDS:
        if {o.id for o in getattr(consultation, key)} != {o.id for o in values[key]}:
            setattr(consultation, key, list(values[key]))
            changed.append(key)
    return changed


def create_consultation(*, actor, **values):
    """Create a draft consultation."""
    consultation = Consultation(stage=ConsultationStage.draft, created_by_id=getattr(actor, "id", None))
    db.session.add(consultation)
    changed = _apply(consultation, values)
    audit.record(actor, "create", consultation, changed)
    return consultation


def update_consultation(consultation, *, actor, **values):
    """Change a consultation's details; its dates only while it is a draft."""
    changed = _apply(consultation, values)
    if changed:
        audit.record(actor, "update", consultation, changed)
    db.session.flush()
    return changed


def _set_stage(consultation, stage, actor, extra=()):
    consultation.stage = stage
    audit.record(actor, "update", consultation, ["stage", *extra])
    db.session.flush()


def mark_ready(consultation, *, actor):
    """Make a draft ready: it is then scheduled, and opens and closes by the clock.

    :raises TransitionError: unless it is a draft with a complete fairness record and a future closing time.
    """
    if consultation.stage != ConsultationStage.draft:
        raise TransitionError("Only a draft can be made ready")
    if not consultation.fairness_complete:
        raise TransitionError("Fill in the fairness record (why now, the information provided, the length) first")
    if consultation.closes_at <= now_utc():
        raise TransitionError("The closing time has passed: change the dates before making it ready")
    _set_stage(consultation, ConsultationStage.ready, actor)


def return_to_draft(consultation, *, actor):
    """Take a scheduled consultation back to draft (to change its dates); never once it has opened."""
    if consultation.status != ConsultationStatus.scheduled:
        raise TransitionError("Only a scheduled consultation that has not opened can go back to draft")
    _set_stage(consultation, ConsultationStage.draft, actor)


def start_analysis(consultation, *, actor):
    """Record that the responses of a closed consultation are being analysed."""
    if consultation.status != ConsultationStatus.closed:
        raise TransitionError("Analysis can start only once the consultation has closed")
    _set_stage(consultation, ConsultationStage.analysing, actor)


def publish_outcome(consultation, *, actor, outcome):
    """Publish what was decided and why, after analysis."""
    if consultation.status != ConsultationStatus.analysing:
        raise TransitionError("The outcome can be published only while the responses are being analysed")
    from engage.analysis.queries import unread_count

    unread = unread_count(consultation.id)
    if unread and not (consultation.unread_outcome_reason or "").strip():
        raise TransitionError(
            f"{unread:,} {'response is' if unread == 1 else 'responses are'} still unread. Read every response, "
            "or record why the outcome is published before they are all read, first"
        )
    consultation.outcome = outcome
    consultation.outcome_published_at = now_utc()
    _set_stage(consultation, ConsultationStage.outcome_published, actor, ["outcome", "outcome_published_at"])


def extend_closing_date(consultation, *, actor, new_closes_at, reason):
    """Move the closing time later and log why.

    :raises TransitionError: if it has closed already, or the new time is not later than the current one.
    """
    if not consultation.can_extend:
        raise TransitionError("This consultation has closed: its closing date can no longer change")
    if new_closes_at <= consultation.closes_at:
        raise TransitionError("The new closing time must be later than the current one")
    extension = ClosingDateExtension(
        consultation_id=consultation.id,
        old_closes_at=consultation.closes_at,
        new_closes_at=new_closes_at,
        reason=reason,
        extended_by_id=getattr(actor, "id", None),
    )
    db.session.add(extension)
    consultation.closes_at = new_closes_at
    audit.record(actor, "update", consultation, ["closes_at"])
    audit.record(actor, "create", extension, ["new_closes_at", "old_closes_at", "reason"])
    db.session.flush()
    return extension


def add_event(consultation, *, actor, **values):
    """Add an event where people can find out more and respond."""
    event = ConsultationEvent(consultation_id=consultation.id, **values)
    db.session.add(event)
    audit.record(actor, "create", event, sorted(values))
    return event


def remove_event(event, *, actor):
    """Remove an event."""
    audit.record(actor, "delete", event)
    db.session.delete(event)
    db.session.flush()


DOCUMENT_FIELDS = ("kind", "language", "title")
LINK_FIELDS_OF_VERSION = ["url"]
FILE_FIELDS_OF_VERSION = ["content_type", "filename", "sha256", "size", "storage_key"]
FROZEN = (
    "This document was published when the consultation opened, so it cannot be changed or removed: "
    "replace it with a new version, or withdraw it"
)


def _set_source(version, *, url, checked, batch):
    """Point ``version`` at a link or at a checked file stored through ``batch``; return the fields set."""
    if checked is not None:
        version.storage_key = batch.put(checked.data, checked.content_type)
        version.url = ""
        version.filename = checked.filename
        version.content_type = checked.content_type
        version.size = checked.size
        version.sha256 = checked.sha256
        return FILE_FIELDS_OF_VERSION
    if not url:
        raise ValueError("a document version needs a file or a link")
    version.url = url
    version.storage_key = None
    version.filename = version.content_type = version.sha256 = ""
    version.size = 0
    return LINK_FIELDS_OF_VERSION


def _add_version(document, *, actor, url, checked, batch, note=""):
    number = document.versions[-1].number + 1 if document.versions else 1
    version = ConsultationDocumentVersion(number=number, note=note, added_by_id=getattr(actor, "id", None))
    fields = _set_source(version, url=url, checked=checked, batch=batch)
    version.added_at = now_utc()
    document.versions.append(version)
    db.session.add(version)
    audit.record(actor, "create", version, ["document_id", "number", *fields, *(["note"] if note else [])])
    return version


def add_document(consultation, *, actor, kind, language, title, url=None, checked=None, batch=None):
    """Add a document (a link, or a checked file stored through ``batch``) as its version 1.

    A document added while the consultation is open is published at once, so it is frozen from the start.

    :param checked: a CheckedFile from engage.records.attachments.check_upload; or give ``url``.
    :raises engage.storage.StorageError: if the store refuses the file (the batch then undoes).
    """
    document = ConsultationDocument(consultation_id=consultation.id, kind=kind, language=language, title=title)
    db.session.add(document)
    audit.record(actor, "create", document, DOCUMENT_FIELDS)
    _add_version(document, actor=actor, url=url, checked=checked, batch=batch)
    db.session.flush()
    return document


def edit_document(document, *, actor, kind, language, title, url=None, checked=None, batch=None):
    """Change a document in place, and its file or link if one is given: only before the consultation opens.

    :return: storage keys no longer used, for the caller to delete after the commit.
    :raises TransitionError: once the consultation has opened (residents may have read it).
    """
    if document.is_frozen:
        raise TransitionError(FROZEN)
    changed = []
    for key, value in (("kind", kind), ("language", language), ("title", title)):
        if getattr(document, key) != value:
            setattr(document, key, value)
            changed.append(key)
    if changed:
        audit.record(actor, "update", document, changed)
    unused = []
    if url is not None or checked is not None:
        version = document.current
        old_key = version.storage_key
        fields = _set_source(version, url=url, checked=checked, batch=batch)
        version.added_at = now_utc()
        version.added_by_id = getattr(actor, "id", None)
        audit.record(actor, "update", version, [*fields, "added_at", "added_by_id"])
        if old_key:
            unused.append(old_key)
    db.session.flush()
    return unused


def replace_document(document, *, actor, note="", url=None, checked=None, batch=None):
    """Publish a new dated version of a frozen document; every earlier version is kept.

    :raises TransitionError: before opening (edit it instead), or if the document was withdrawn.
    """
    if not document.is_frozen:
        raise TransitionError("Nothing has been published yet: until the consultation opens, edit the document")
    if document.is_withdrawn:
        raise TransitionError("This document has been withdrawn: add a new document instead")
    version = _add_version(document, actor=actor, url=url, checked=checked, batch=batch, note=note)
    db.session.flush()
    return version


def withdraw_document(document, *, actor, note=""):
    """Take a published document off the page from now on; it stays in the document history, dated.

    :raises TransitionError: before opening (remove it instead), or if it was withdrawn already.
    """
    if not document.is_frozen:
        raise TransitionError("Nothing has been published yet: until the consultation opens, remove the document")
    if document.is_withdrawn:
        raise TransitionError("This document has already been withdrawn")
    document.withdrawn_at = now_utc()
    document.withdrawn_by_id = getattr(actor, "id", None)
    document.withdrawn_note = note
    audit.record(actor, "update", document, ["withdrawn_at", "withdrawn_by_id", *(["withdrawn_note"] if note else [])])
    db.session.flush()


def remove_document(document, *, actor):
    """Delete a document that was never published, with its versions.

    :return: the storage keys of its files, for the caller to delete after the commit.
    :raises TransitionError: once the consultation has opened (withdraw it instead).
    """
    if document.is_frozen:
        raise TransitionError(FROZEN)
    keys = [v.storage_key for v in document.versions if v.storage_key]
    for version in document.versions:
        audit.record(actor, "delete", version)
    audit.record(actor, "delete", document)
    document.consultation.documents.remove(document)
    db.session.flush()
    return keys


def request_format(consultation, **values):
    """Store a resident's alternative format request (the audit entry names fields, never values)."""
    request = FormatRequest(consultation_id=consultation.id, **values)
    db.session.add(request)
    audit.record(None, "create", request, [key for key, value in values.items() if value])
    return request


def fulfil_format_request(request, *, actor):
    """Mark a request as fulfilled: who and when.

    :raises TransitionError: if it was fulfilled already (two officers acting at once).
    """
    if request.fulfilled_at is not None:
        raise TransitionError("This request has already been marked as fulfilled")
    request.fulfilled_at = now_utc()
    request.fulfilled_by_id = actor.id
    audit.record(actor, "update", request, ["fulfilled_at", "fulfilled_by_id"])
    db.session.flush()
