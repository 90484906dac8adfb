"""Reads for the response journey: the survey with everything it shows, drafts, responses, counts."""

import functools
import hashlib

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from engage.consultations.models import Consultation
from engage.extensions import db
from engage.responses.models import Response, ResponseDraft
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
@functools.cache
def _public_with_survey_statement(options):
    return (
        select(Consultation)
        .where(Consultation.slug == bindparam("slug"))
        .options(_survey_tree(joinedload(Consultation.survey).joinedload(Survey.pages), options))
    )


_DRAFT = select(ResponseDraft).where(
    ResponseDraft.key == bindparam("key"), ResponseDraft.consultation_id == bindparam("consultation_id")
)
_RESPONSE_FOR_KEY = select(Response).where(
    Response.submission_key == bindparam("key"), Response.consultation_id == bindparam("consultation_id")
)


def public_with_survey(slug, *, options=False):
    """The consultation with this slug if residents may see it, with its survey, in one query; else None.

    The survey comes with its pages and questions; ``options`` loads the questions' options too
    (the steps that draw or check choice answers). Anything not loaded still loads when used.
    """
    consultation = (
        db.session.scalars(_public_with_survey_statement(bool(options)), {"slug": slug}).unique().one_or_none()
    )
    if consultation is None or not consultation.is_public:
        return None
    return consultation


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
