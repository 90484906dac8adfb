"""Reads for the response journey: the survey with everything it shows, drafts, responses, counts."""

import functools
import hashlib

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload

from engage.consultations.models import Consultation
from engage.extensions import db
from engage.responses.models import Response, ResponseDraft
from engage.surveys import cache as survey_cache
from engage.surveys.models import Question, Survey, SurveyPage


def _survey_tree(pages, options):
    """The loader option for a survey's ``pages``, their questions and (with ``options``) the questions' options."""
    tree = pages.joinedload(SurveyPage.questions)
    return tree.joinedload(Question.options) if options else tree


def survey_for(consultation_id, *, options=True):
    """The consultation's survey with its pages and questions (and their options) loaded, or None.

    One query: joined eager loading costs far less than a query per level, on every journey step.
    """
    return (
        db.session.scalars(
            select(Survey)
            .where(Survey.consultation_id == consultation_id)
            .options(_survey_tree(joinedload(Survey.pages), options))
        )
        .unique()
        .one_or_none()
    )


#: The journey's reads, built once with bound parameters: SQLAlchemy keeps a built statement's cache
#: key, so each request skips rebuilding it (and its eager-loading options), which costs more than the query.
#: Each comes without the draft or response when the session holds no key: an empty ``IN`` cannot use
#: the key's index on SQLite, which then read every draft (or response) of the consultation instead.
@functools.cache
def _public_with_survey_statement(with_draft):
    """The consultation by slug with its survey row and (``with_draft``) the draft whose key is one of ``keys``."""
    statement = (
        select(Consultation).where(Consultation.slug == bindparam("slug")).options(joinedload(Consultation.survey))
    )
    if not with_draft:
        return statement
    draft = and_(
        ResponseDraft.consultation_id == Consultation.id,
        ResponseDraft.key.in_(bindparam("keys", expanding=True)),
    )
    return statement.add_columns(ResponseDraft).outerjoin(ResponseDraft, draft)


_DRAFT = select(ResponseDraft).where(
    ResponseDraft.key == bindparam("key"), ResponseDraft.consultation_id == bindparam("consultation_id")
)
_RESPONSE_FOR_KEY = select(Response).where(
    Response.submission_key == bindparam("key"), Response.consultation_id == bindparam("consultation_id")
)


def public_with_survey(slug, draft_keys=()):
    """The consultation with this slug if residents may see it, its survey's structure and the resident's draft.

    Returns ``(consultation, survey, draft)``, or ``(None, None, None)``. One query reads the
    consultation, its survey row and the draft whose key is among ``draft_keys`` (the draft keys the
    resident's session holds; None when none is this consultation's). The survey's pages, questions
    and options come from this worker's cache (engage.surveys.cache), reloaded whenever the survey's
    stamp moves: read-only plain objects with the models' attribute names.
    """
    keys = list(draft_keys)
    row = (
        db.session.execute(_public_with_survey_statement(bool(keys)), {"slug": slug, "keys": keys})
        .unique()
        .one_or_none()
    )
    if row is None or not row[0].is_public:
        return None, None, None
    consultation, draft = row if keys else (row[0], None)
    survey = consultation.survey
    return consultation, (survey_cache.survey_view(survey) if survey is not None else None), draft


@functools.cache
def _public_with_response_statement(with_response):
    """The consultation by slug and (``with_response``) the response whose key is one of ``keys``."""
    statement = select(Consultation).where(Consultation.slug == bindparam("slug"))
    if not with_response:
        return statement
    sent = and_(
        Response.consultation_id == Consultation.id,
        Response.submission_key.in_(bindparam("keys", expanding=True)),
    )
    return statement.add_columns(Response).outerjoin(Response, sent)


def public_with_response(slug, draft_keys=()):
    """``(consultation, response)``: the consultation if residents may see it (else None) and the
    response sent from one of ``draft_keys`` (else None), in one query."""
    keys = list(draft_keys)
    row = db.session.execute(_public_with_response_statement(bool(keys)), {"slug": slug, "keys": keys}).first()
    if row is None or not row[0].is_public:
        return None, None
    return row[0], (row[1] if keys else None)


def has_questions(survey):
    return survey is not None and any(page.questions for page in survey.pages)


def draft_for(consultation_id, key):
    if not key:
        return None
    return db.session.scalar(_DRAFT, {"key": key, "consultation_id": consultation_id})


def response_for_key(consultation_id, key):
    """The response already made from the draft ``key`` (a retried or double submission), or None."""
    if not key:
        return None
    return db.session.scalar(_RESPONSE_FOR_KEY, {"key": key, "consultation_id": consultation_id})


def draft_by_resume_token(token):
    """The draft a resume link points at, or None for a forged or unknown token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(ResponseDraft).where(ResponseDraft.resume_token_hash == token_hash(token)))


def response_count(consultation_id):
    return db.session.scalar(select(func.count(Response.id)).where(Response.consultation_id == consultation_id))


def token_hash(token):
    """The SHA-256 of a resume token: what the draft keeps instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()
