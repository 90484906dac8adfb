"""Subject access requests: everything held about one email address, as a file, or erased.

Looked up by the lower-cased address in: responses (with their answers and equality answers),
consultation email subscriptions, stakeholder people, alternative-format requests, and residents'
comments on charter drafts. Each search,
export and erasure is in the audit log (what kind of thing and how many, never the address).
Writes do not commit; the view does.
"""

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from engage import audit
from engage.charters.models import CharterComment
from engage.consultations.models import ConsultationSubscription, FormatRequest
from engage.dataprotection.anonymise import anonymise_responses
from engage.dates import now_utc
from engage.extensions import db
from engage.responses.models import Response
from engage.stakeholders.models import Person
from engage.surveys.models import YES_NO

_YES_NO = dict(YES_NO)


@dataclass
class Held:
    email: str
    responses: list = field(default_factory=list)
    subscriptions: list = field(default_factory=list)
    people: list = field(default_factory=list)
    format_requests: list = field(default_factory=list)
    charter_comments: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (
            self.responses or self.subscriptions or self.people or self.format_requests or self.charter_comments
        )

    def count_fields(self):
        """Audit "fields": how many of each kind were found (numbers, never the address)."""
        return [
            f"responses={len(self.responses)}",
            f"subscriptions={len(self.subscriptions)}",
            f"people={len(self.people)}",
            f"format_requests={len(self.format_requests)}",
            f"charter_comments={len(self.charter_comments)}",
        ]


def find_held(email):
    """Everything held about ``email`` (already normalised, lower-case)."""
    email = email.lower()
    return Held(
        email=email,
        responses=db.session.scalars(
            select(Response).where(func.lower(Response.email) == email).order_by(Response.submitted_at, Response.id)
        ).all(),
        subscriptions=db.session.scalars(
            select(ConsultationSubscription)
            .where(func.lower(ConsultationSubscription.email) == email)
            .order_by(ConsultationSubscription.created_at, ConsultationSubscription.id)
        ).all(),
        people=db.session.scalars(select(Person).where(func.lower(Person.email) == email).order_by(Person.id)).all(),
        format_requests=db.session.scalars(
            select(FormatRequest)
            .where(func.lower(FormatRequest.email) == email)
            .order_by(FormatRequest.requested_at, FormatRequest.id)
        ).all(),
        charter_comments=db.session.scalars(
            select(CharterComment)
            .where(func.lower(CharterComment.resident_email) == email)
            .order_by(CharterComment.created_at, CharterComment.id)
        ).all(),
    )


def _iso(value):
    return value.isoformat() if value is not None else None


def _answer_value(answer):
    if answer.option is not None:
        return answer.option.label
    if answer.number is not None:
        return answer.number
    if answer.question is not None and answer.question.kind.value == "yes_no":
        return _YES_NO.get(answer.text, answer.text)
    return answer.text


def _answers(rows):
    return [{"question": a.question.text if a.question else "", "answer": _answer_value(a)} for a in rows]


def as_document(held):
    """The subject access file: plain JSON-ready data, one section per kind of record."""
    return {
        "email": held.email,
        "produced_at": now_utc().isoformat(),
        "responses": [
            {
                "consultation": r.consultation.title,
                "reference": r.reference,
                "submitted_at": _iso(r.submitted_at),
                "channel": r.channel.label,
                "respondent_type": r.respondent_type.label,
                "organisation_name": r.organisation_name,
                "name": r.name,
                "email": r.email,
                "publish_consent": r.publish_consent.label,
                "privacy_notice_version": r.privacy_version,
                "answers": _answers(r.answers),
                "equality_answers": _answers(r.equality_answers),
            }
            for r in held.responses
        ],
        "subscriptions": [
            {
                "consultation": s.consultation.title,
                "email": s.email,
                "subscribed_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
            }
            for s in held.subscriptions
        ],
        "stakeholder_records": [
            {
                "name": p.name,
                "job_title": p.job_title,
                "email": p.email,
                "phone": p.phone,
                "postcode": p.postcode,
                "organisations": [{"name": m.organisation.name, "role": m.role} for m in p.memberships],
                "communication_needs": p.communication_need_labels,
                "communication_notes": p.communication_notes,
                "notes": p.notes,
                "may_be_contacted": p.is_contactable,
                "consent_history": [
                    {
                        "action": c.action.value,
                        "lawful_basis": c.lawful_basis.value if c.lawful_basis else None,
                        "effective_on": _iso(c.effective_on),
                        "source": c.source,
                    }
                    for c in p.consents
                ],
            }
            for p in held.people
        ],
        "format_requests": [
            {
                "consultation": f.consultation.title,
                "name": f.name,
                "email": f.email,
                "phone": f.phone,
                "format": f.format_label,
                "details": f.details,
                "requested_at": _iso(f.requested_at),
                "fulfilled_at": _iso(f.fulfilled_at),
            }
            for f in held.format_requests
        ],
        "charter_comments": [
            {
                "charter": c.charter.title,
                "version": c.version.number,
                "section": section.heading if (section := c.version.section(c.section_key)) else c.section_key,
                "name": c.resident_name,
                "email": c.resident_email,
                "comment": c.body,
                "made_at": _iso(c.created_at),
                "moderation": c.moderation.value,
            }
            for c in held.charter_comments
        ],
    }


def record_search(actor, held):
    audit.record(actor, "view", None, held.count_fields(), object_type="subject_access")


def record_export(actor, held):
    audit.record(actor, "export", None, held.count_fields(), object_type="subject_access")


def erase(held, *, actor):
    """Erase what is held about the address; return the counts.

    Responses are anonymised (name, email and network removed, postcodes cut to the district,
    identifying answers removed; the answers stay, as part of the consultation's evidence).
    Subscriptions are deleted. Stakeholder records lose the email address (the rest of the record
    is the organisation's relationship with that person, kept on its own lawful basis).
    Format requests lose name, email, phone and details (the request and its fulfilment stay as evidence).
    Charter comments lose the name and email; the comment stays, shown as from "A resident", as part
    of the record of how the charter was drafted.
    """
    counts = {}
    ids = [r.id for r in held.responses]
    if ids:
        anonymise_responses(ids)
        for response in held.responses:
            audit.record(actor, "update", response, ["email", "name", "network_hash"])
    counts["responses"] = len(ids)
    for subscription in held.subscriptions:
        audit.record(actor, "delete", subscription, ["email"])
    if held.subscriptions:
        db.session.execute(
            delete(ConsultationSubscription).where(ConsultationSubscription.id.in_([s.id for s in held.subscriptions])),
            execution_options={"synchronize_session": False},
        )
    counts["subscriptions"] = len(held.subscriptions)
    for person in held.people:
        person.email = ""
        audit.record(actor, "update", person, ["email"])
    counts["people"] = len(held.people)
    for request in held.format_requests:
        request.name, request.email, request.phone, request.details = "", "", "", ""
        audit.record(actor, "update", request, ["details", "email", "name", "phone"])
    counts["format_requests"] = len(held.format_requests)
    for comment in held.charter_comments:
        comment.resident_name, comment.resident_email = "", ""
        audit.record(actor, "update", comment, ["resident_email", "resident_name"])
    counts["charter_comments"] = len(held.charter_comments)
    audit.record(actor, "delete", None, [f"{k}={v}" for k, v in counts.items()], object_type="subject_access")
    db.session.flush()
    db.session.expire_all()
    return counts
