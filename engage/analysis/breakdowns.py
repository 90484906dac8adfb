"""Counts of the closed questions of a consultation's survey (counted, non-duplicate responses).

A simple implementation of the interface the analysis pages and the public outcome page share.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from engage.extensions import db
from engage.responses.models import Answer, Response
from engage.surveys.models import YES_NO, QuestionKind

CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.likert)
CLOSED_KINDS = (*CHOICE_KINDS, QuestionKind.yes_no, QuestionKind.rating)


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class QuestionSummary:
    question_id: int
    text: str
    answered: int
    options: tuple[OptionCount, ...]


def _rows(question):
    """(key, count) of a question's answers, and how many responses answered it."""
    counted = [Answer.question_id == question.id, Response.duplicate.is_(False)]
    answered = db.session.scalar(
        select(func.count(func.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(*counted)
    )
    if question.kind in CHOICE_KINDS:
        key = Answer.option_id
    elif question.kind == QuestionKind.yes_no:
        key = Answer.text
    else:
        key = Answer.number
    found = Counter(
        dict(
            db.session.execute(
                select(key, func.count(Answer.id))
                .join(Response, Response.id == Answer.response_id)
                .where(*counted)
                .group_by(key)
            ).all()
        )
    )
    return found, answered


def _labels(question, found):
    if question.kind in CHOICE_KINDS:
        return [(o.label, found.get(o.id, 0)) for o in question.options]
    if question.kind == QuestionKind.yes_no:
        return [(label, found.get(key, 0)) for key, label in YES_NO]
    low, high = question.scale
    values = sorted(set(range(low, high + 1)) | {v for v in found if v is not None}) if high - low <= 20 else []
    return [(f"{v:,}", found.get(v, 0)) for v in values]


def closed_question_summaries(consultation):
    """One QuestionSummary per closed question of the survey (equality questions left out), in survey order."""
    survey = consultation.survey
    if survey is None:
        return []
    summaries = []
    for page in survey.pages:
        if page.is_equality:
            continue
        for question in page.questions:
            if question.kind not in CLOSED_KINDS:
                continue
            found, answered = _rows(question)
            options = tuple(
                OptionCount(label, count, round(100 * count / answered) if answered else 0)
                for label, count in _labels(question, found)
            )
            summaries.append(QuestionSummary(question.id, question.text, answered, options))
    return summaries
