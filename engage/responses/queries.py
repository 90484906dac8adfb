"""Reads for the response journey: the survey with everything it shows, drafts, responses, counts."""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.responses.models import Response, ResponseDraft
from engage.surveys.models import Question, Survey, SurveyPage


def survey_for(consultation_id):
    """The consultation's survey with its pages, questions and options loaded, or None."""
    return db.session.scalar(
        select(Survey)
        .where(Survey.consultation_id == consultation_id)
        .options(selectinload(Survey.pages).selectinload(SurveyPage.questions).selectinload(Question.options))
    )


def has_questions(survey):
    return survey is not None and any(page.questions for page in survey.pages)


def draft_for(consultation_id, key):
    if not key:
        return None
    return db.session.scalar(
        select(ResponseDraft).where(ResponseDraft.key == key, ResponseDraft.consultation_id == consultation_id)
    )


def response_for_key(consultation_id, key):
    """The response already made from the draft ``key`` (a retried or double submission), or None."""
    if not key:
        return None
    return db.session.scalar(
        select(Response).where(Response.submission_key == key, Response.consultation_id == consultation_id)
    )


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
