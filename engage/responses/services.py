"""The response journey's writes: drafts, resume links, abuse flags and submission.

Writes record their audit entry (field names only) and never commit: the view does, once.
A submission is one transaction: the response row, then every answer in one bulk insert, the
audit entry, and the draft deleted.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, delete, exists, false, insert, select

from engage import audit
from engage.consultations.models import ConsultationStatus
from engage.dates import now_utc
from engage.extensions import db
from engage.responses.journey import DraftIncomplete, next_page_number, validate_all
from engage.responses.models import (
    Answer,
    EqualityAnswer,
    PublishConsent,
    RespondentType,
    Response,
    ResponseChannel,
    ResponseDraft,
)
from engage.responses.queries import token_hash
from engage.surveys.models import QuestionKind

#: Reference numbers: no 0/O, 1/I to misread. 32**8 is about 10**12 possibilities.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#: Near-identical answers from the same network within this time are flagged as possible duplicates.
DUPLICATE_WINDOW = timedelta(minutes=10)
#: Field names the audit log records for a new response (never the values).
RESPONSE_AUDIT_FIELDS = (
    "answers",
    "channel",
    "consultation_id",
    "email",
    "flagged",
    "name",
    "organisation_name",
    "privacy_version",
    "publish_consent",
    "reference",
    "respondent_type",
)


class ConsultationClosed(Exception):
    """The consultation stopped taking responses before this one arrived."""


# Writes --------------------------------------------------------------------------------------


def start_draft(consultation, details):
    """Begin a response: a draft keyed by a random value the resident's session holds."""
    draft = ResponseDraft(
        consultation_id=consultation.id,
        key=secrets.token_urlsafe(32),
        details=dict(details),
        answers={},
        furthest_page=0,
        expires_at=consultation.closes_at,
    )
    db.session.add(draft)
    return draft


def update_details(draft, details):
    draft.details = {**(draft.details or {}), **details}


def save_page(draft, survey, number, answers, *, completed):
    """Keep the answers of page ``number``; a completed page moves the resident on.

    Pages skipped because none of their questions is shown count as done.
    """
    merged = dict(draft.answers or {})
    for question_id, value in answers.items():
        if value is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = value
    draft.answers = merged
    if completed:
        following = next_page_number(survey, number, merged)
        reached = (following - 1) if following else len(survey.pages)
        draft.furthest_page = max(draft.furthest_page or 0, reached)


def issue_resume_token(draft):
    """Give the draft a new private resume link token; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = token_hash(token)
    return token


def keep_for_later(draft, consultation, token=None):
    """Keep the draft until the consultation closes and return its private resume token.

    The resident's current token is kept when it is still the draft's, so a link already emailed
    keeps working; otherwise a new one replaces any earlier link.
    """
    if not token or draft.resume_token_hash != token_hash(token):
        token = issue_resume_token(draft)
    draft.expires_at = consultation.closes_at
    return token


def network_hash(address, secret):
    """A keyed hash of the sender's network (IPv4 /24, IPv6 /48), never the address itself."""
    try:
        ip = ipaddress.ip_address(address or "")
        network = ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False)
        value = str(network)
    except ValueError:
        value = address or ""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def answers_hash(answers):
    """A hash of the answers, normalised (case and spacing) so near-identical ones match."""

    def norm(value):
        if isinstance(value, list):
            return sorted(value)
        return " ".join(str(value).lower().split())

    normalised = {key: norm(value) for key, value in answers.items()}
    return hashlib.sha256(json.dumps(normalised, sort_keys=True).encode()).hexdigest()


def new_reference():
    """A reference like K7MP-4QXD: short, unguessable (secrets) and easy to read out."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def _duplicates_statement(with_email):
    """Whether another response gave this email, and whether the same answers came from the same
    network within DUPLICATE_WINDOW: one row of two booleans (each EXISTS stops at its first match)."""
    consultation = Response.consultation_id == bindparam("consultation_id")
    same_answers = exists().where(
        consultation,
        Response.answers_hash == bindparam("digest"),
        Response.network_hash == bindparam("network"),
        Response.submitted_at >= bindparam("since"),
    )
    same_email = exists().where(consultation, Response.email == bindparam("email")) if with_email else false()
    return select(same_email, same_answers)


#: Built once with bound parameters (with and without an email): SQLAlchemy keeps their cache keys.
_DUPLICATES = {with_email: _duplicates_statement(with_email) for with_email in (False, True)}


def _duplicate_reasons(consultation_id, email, answers_digest, network, now):
    same_email, same_answers = db.session.execute(
        _DUPLICATES[bool(email)],
        {
            "consultation_id": consultation_id,
            "digest": answers_digest,
            "network": network,
            "since": now - DUPLICATE_WINDOW,
            "email": email,
        },
    ).one()
    reasons = []
    if same_email:
        reasons.append("Another response to this consultation gave the same email address.")
    if same_answers:
        reasons.append("The same answers came from the same network within 10 minutes.")
    return reasons


def insert_answers(response, survey, answers):
    """Flush ``response`` and insert its answers (equality answers in their own table)."""
    db.session.flush()
    _insert_answer_rows(response.id, _answer_rows(survey, answers))


#: Built once: SQLAlchemy keeps their cache keys (see _INSERT_RESPONSE).
_INSERT_ANSWERS = insert(Answer.__table__)
_INSERT_EQUALITY_ANSWERS = insert(EqualityAnswer.__table__)


def _answer_rows(survey, answers):
    """``(rows, equality_rows)``: Core insert rows with every key in every row, whatever the answer
    types, with their ``response_id`` still to set."""
    rows, equality_rows = [], []
    for page in survey.pages:
        target = equality_rows if page.is_equality else rows
        for question in page.questions:
            value = answers.get(str(question.id))
            if value is not None:
                target.extend(_answer_row(question, value))
    return rows, equality_rows


def _insert_answer_rows(response_id, answer_rows):
    """One executemany per table."""
    for statement, rows in zip((_INSERT_ANSWERS, _INSERT_EQUALITY_ANSWERS), answer_rows, strict=True):
        if rows:
            for row in rows:
                row["response_id"] = response_id
            db.session.connection().execute(statement, rows)


def _answer_row(question, value):
    base = {"response_id": None, "question_id": question.id, "option_id": None, "text": "", "number": None}
    if question.kind == QuestionKind.multiple_choice:
        return [{**base, "option_id": int(v)} for v in value]
    if question.kind in (QuestionKind.single_choice, QuestionKind.likert):
        return [{**base, "option_id": int(value)}]
    if question.kind in (QuestionKind.number, QuestionKind.rating):
        return [{**base, "number": int(value)}]
    return [{**base, "text": value}]


class Submitted(NamedTuple):
    """What the resident is told about the response just stored."""

    id: int
    reference: str
    email: str
    submitted_at: datetime


_INSERT_RESPONSE = insert(Response.__table__)
_DELETE_DRAFT = delete(ResponseDraft.__table__).where(ResponseDraft.__table__.c.id == bindparam("draft_id"))


def submit(consultation, survey, draft, *, details=None, network, honeypot=False):
    """Turn the draft into a response with its answers (one transaction; the caller commits).

    ``details`` (name, email, consent to publish: sent with the response from "check your
    answers") go over the draft's own.

    The response, its answers, the audit entry and the draft's deletion are plain inserts and a
    delete in the caller's transaction: a submission is the request every resident makes, and the
    ORM's unit of work cost more than the statements. Returns a :class:`Submitted`.

    :raises ConsultationClosed: at or after the closing time, whenever the form was opened.
    :raises DraftIncomplete: when an answer is missing or no longer valid.
    """
    now = now_utc()
    if now >= consultation.closes_at or consultation.status != ConsultationStatus.open:
        raise ConsultationClosed()
    details = {**(draft.details or {}), **(details or {})}
    if not details.get("consent") or details.get("publish_consent") not in PublishConsent.__members__:
        raise DraftIncomplete(0)
    answers = validate_all(survey, draft.answers or {})
    email = details.get("email", "")
    digest = answers_hash(answers)
    reasons = []
    if honeypot:
        reasons.append("A field hidden from people was filled in, so this may be automated.")
    reasons += _duplicate_reasons(consultation.id, email, digest, network, now)
    organisation = details.get("respondent_type") == RespondentType.organisation.value
    reference = new_reference()
    # Everything is built before the first write: on SQLite the write lock is held from the first
    # INSERT to the commit, and another worker's submission waits (and sleeps) while it is.
    answer_rows = _answer_rows(survey, answers)
    connection = db.session.connection()
    result = connection.execute(
        _INSERT_RESPONSE,
        {
            "consultation_id": consultation.id,
            "reference": reference,
            "channel": ResponseChannel.online,
            "respondent_type": RespondentType.organisation if organisation else RespondentType.individual,
            "organisation_name": details.get("organisation_name", "") if organisation else "",
            "name": details.get("name", ""),
            "email": email,
            "publish_consent": PublishConsent(details["publish_consent"]),
            "privacy_version": survey.privacy_version,
            "submitted_at": now,
            "submission_key": draft.key,
            "flagged": bool(reasons),
            "flag_reason": " ".join(reasons),
            "network_hash": network,
            "answers_hash": digest,
        },
    )
    response_id = result.inserted_primary_key[0]
    _insert_answer_rows(response_id, answer_rows)
    audit.insert(None, "create", "responses", str(response_id), RESPONSE_AUDIT_FIELDS)
    connection.execute(_DELETE_DRAFT, {"draft_id": draft.id})
    return Submitted(response_id, reference, email, now)
