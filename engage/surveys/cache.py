"""A survey's structure as plain read-only objects, kept per process for the response journey.

Every journey step needs the survey's pages, questions and options; loading them through the ORM
on each request cost more than the rest of the request. Each worker keeps them instead, keyed by the
survey's id and its ``updated_at`` stamp, which the journey reads with the consultation anyway.

The stamp moves whenever the survey or anything in it changes: ``Survey.updated_at`` has
``onupdate``, and the ``before_flush`` hook below sets it whenever a page, question or option of the
survey is added, changed or deleted through the ORM (the builder's only way to change a survey). A
worker that sees a stamp it has not cached reloads the structure, so an officer's edit shows on the
next page a resident opens, in every worker. A cached structure can only ever be newer than its
stamp (the stamp is read before the structure), never older.

The objects have the ORM models' attribute names, so the journey's code (engage.responses) reads
either. ``memo`` holds things derived from one version (form classes, rendered Markdown).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import chain

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engage.dates import now_utc
from engage.extensions import db
from engage.surveys.models import RATING_DEFAULT, Question, QuestionKind, QuestionOption, Survey, SurveyPage

#: Surveys each worker keeps (least recently used dropped first).
MAX_SURVEYS = 64


@dataclass(frozen=True, slots=True)
class OptionView:
    id: int
    question_id: int
    position: int
    label: str
    is_exclusive: bool


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: int
    page_id: int
    position: int
    kind: QuestionKind
    text: str
    help_text: str
    required: bool
    min_value: int | None
    max_value: int | None
    show_if_question_id: int | None
    show_if_value: str
    equality_key: str
    options: tuple[OptionView, ...]

    @property
    def scale(self):
        """The (low, high) of a rating question (as Question.scale)."""
        low, high = RATING_DEFAULT
        return (
            self.min_value if self.min_value is not None else low,
            self.max_value if self.max_value is not None else high,
        )


@dataclass(frozen=True, slots=True)
class PageView:
    id: int
    survey_id: int
    position: int
    title: str
    is_equality: bool
    questions: tuple[QuestionView, ...]
    memo: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SurveyView:
    id: int
    consultation_id: int
    introduction: str
    privacy_notice: str
    privacy_version: int
    updated_at: object
    pages: tuple[PageView, ...]
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def questions(self):
        """Every question in page order, then question order."""
        return [q for page in self.pages for q in page.questions]


_lock = threading.Lock()


def _app_cache():
    """This app's cache (one per app, so each test's app and database starts empty)."""
    return current_app.extensions.setdefault("engage_survey_cache", OrderedDict())


def survey_view(survey):
    """The structure of ``survey`` (an ORM Survey row) at its ``updated_at``: from this worker's cache or loaded."""
    key = (survey.id, survey.updated_at)
    _cache = _app_cache()
    with _lock:
        view = _cache.get(key)
        if view is not None:
            _cache.move_to_end(key)
            return view
    view = _load(survey)
    with _lock:
        # Drop older versions of this survey, then the least recently used surveys.
        for stale in [k for k in _cache if k[0] == survey.id]:
            del _cache[stale]
        _cache[key] = view
        while len(_cache) > MAX_SURVEYS:
            _cache.popitem(last=False)
    return view


def _load(survey):
    """Read the pages, questions and options in three plain queries (no ORM objects in the session)."""
    pages_table, questions_table, options_table = SurveyPage.__table__, Question.__table__, QuestionOption.__table__
    page_rows = db.session.execute(
        select(pages_table).where(pages_table.c.survey_id == survey.id).order_by(pages_table.c.position)
    ).all()
    page_ids = select(pages_table.c.id).where(pages_table.c.survey_id == survey.id)
    question_rows = db.session.execute(
        select(questions_table)
        .where(questions_table.c.page_id.in_(page_ids))
        .order_by(questions_table.c.page_id, questions_table.c.position)
    ).all()
    question_ids = select(questions_table.c.id).where(questions_table.c.page_id.in_(page_ids))
    option_rows = db.session.execute(
        select(options_table)
        .where(options_table.c.question_id.in_(question_ids))
        .order_by(options_table.c.question_id, options_table.c.position)
    ).all()
    options = {}
    for row in option_rows:
        options.setdefault(row.question_id, []).append(
            OptionView(
                id=row.id,
                question_id=row.question_id,
                position=row.position,
                label=row.label,
                is_exclusive=bool(row.is_exclusive),
            )
        )
    questions = {}
    for row in question_rows:
        questions.setdefault(row.page_id, []).append(
            QuestionView(
                id=row.id,
                page_id=row.page_id,
                position=row.position,
                kind=QuestionKind(row.kind),
                text=row.text,
                help_text=row.help_text or "",
                required=bool(row.required),
                min_value=row.min_value,
                max_value=row.max_value,
                show_if_question_id=row.show_if_question_id,
                show_if_value=row.show_if_value or "",
                equality_key=row.equality_key or "",
                options=tuple(options.get(row.id, ())),
            )
        )
    pages = tuple(
        PageView(
            id=row.id,
            survey_id=row.survey_id,
            position=row.position,
            title=row.title or "",
            is_equality=bool(row.is_equality),
            questions=tuple(questions.get(row.id, ())),
        )
        for row in page_rows
    )
    return SurveyView(
        id=survey.id,
        consultation_id=survey.consultation_id,
        introduction=survey.introduction or "",
        privacy_notice=survey.privacy_notice or "",
        privacy_version=survey.privacy_version,
        updated_at=survey.updated_at,
        pages=pages,
    )


# Keeping the stamp honest ---------------------------------------------------------------------------


def _survey_of(session, obj):
    """The Survey that ``obj`` (a page, question or option) belongs to, or None if it cannot be found."""
    if isinstance(obj, QuestionOption):
        obj = obj.question or (session.get(Question, obj.question_id) if obj.question_id else None)
        if obj is None:
            return None
    if isinstance(obj, Question):
        obj = obj.page or (session.get(SurveyPage, obj.page_id) if obj.page_id else None)
        if obj is None:
            return None
    return obj.survey or (session.get(Survey, obj.survey_id) if obj.survey_id else None)


@event.listens_for(Session, "before_flush")
def _touch_edited_surveys(session, _flush_context, _instances):
    """Move the ``updated_at`` stamp of every survey that changes, or whose pages, questions or options do.

    The new stamp is always later than the old one, even if the clock stood still or stepped back.
    """
    touched = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Survey):
            survey = obj if obj in session.new or session.is_modified(obj, include_collections=False) else None
        elif isinstance(obj, SurveyPage | Question | QuestionOption):
            survey = _survey_of(session, obj)
        else:
            continue
        if survey is None or id(survey) in touched:
            continue
        touched.add(id(survey))
        stamp, before = now_utc(), survey.updated_at
        if before is not None and stamp <= before:
            stamp = before + timedelta(microseconds=1)
        survey.updated_at = stamp
