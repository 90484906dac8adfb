"""A consultation's survey: pages, questions, their options and show-if conditions.

Answers point at questions and options by id, so wording can change freely after responses arrive
but removing a question or option that has answers would orphan them (the builder refuses that).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class QuestionKind(StrEnum):
    """The question types the builder offers."""

    short_text = "short_text"
    long_text = "long_text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    likert = "likert"
    rating = "rating"
    yes_no = "yes_no"
    number = "number"
    date = "date"
    postcode = "postcode"

    @property
    def label(self):
        return {
            "short_text": "Short text",
            "long_text": "Long text",
            "single_choice": "Single choice",
            "multiple_choice": "Multiple choice",
            "likert": "Likert scale (five points)",
            "rating": "Rating",
            "yes_no": "Yes or no",
            "number": "Number",
            "date": "Date",
            "postcode": "UK postcode",
        }[self.value]

    @property
    def has_options(self):
        """Answered by picking from the question's options (stored as QuestionOption rows)."""
        return self in (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.likert)

    @property
    def can_be_condition(self):
        """Can decide whether a later question is shown ("show if the answer was ...")."""
        return self in (
            QuestionKind.single_choice,
            QuestionKind.multiple_choice,
            QuestionKind.yes_no,
            QuestionKind.likert,
        )


#: The Likert labels a new scale starts with; officers may reword them.
LIKERT_LABELS = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")
#: Keys of the two yes/no answers, as stored in Answer.text and used in show-if conditions.
YES_NO = (("yes", "Yes"), ("no", "No"))
#: A rating question's scale when the officer sets no bounds: 1 to 5.
RATING_DEFAULT = (1, 5)


class Survey(TimestampMixin, db.Model):
    """The online survey of one consultation."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), unique=True)
    #: Shown on the first page of the survey, above the privacy notice (Markdown).
    introduction: Mapped[str] = mapped_column(Text, default="")
    #: The privacy notice residents accept before answering (Markdown); its version is kept with each response.
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    #: Bumped whenever the privacy notice changes, so a response records the wording it was given.
    privacy_version: Mapped[int] = mapped_column(Integer, default=1)

    consultation = relationship("Consultation", back_populates="survey")
    pages: Mapped[list["SurveyPage"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyPage.position"
    )

    @property
    def questions(self):
        """Every question in page order, then question order."""
        return [q for page in self.pages for q in page.questions]


class SurveyPage(db.Model):
    """One page of questions; residents answer a page at a time."""

    __tablename__ = "survey_pages"
    __table_args__ = (UniqueConstraint("survey_id", "position", name="uq_survey_pages_survey_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: 1-based order within the survey.
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    #: This page is the standard equality monitoring section (its answers are kept apart).
    is_equality: Mapped[bool] = mapped_column(Boolean, default=False)

    survey: Mapped[Survey] = relationship(back_populates="pages")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="page", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(db.Model):
    """A question: its type, wording, help, whether it must be answered, bounds and a show-if condition."""

    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("survey_pages.id", ondelete="CASCADE"), index=True)
    #: 1-based order within the page.
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 20))
    text: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Number bounds (number) or the scale (rating); None means unbounded (number) or 1-5 (rating).
    min_value: Mapped[int | None] = mapped_column(Integer)
    max_value: Mapped[int | None] = mapped_column(Integer)
    #: Show this question only when an earlier choice question was answered with ``show_if_value``:
    #: an option id (as text) for choice questions, "yes"/"no" for yes/no questions.
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"), index=True
    )
    show_if_value: Mapped[str] = mapped_column(String(40), default="")
    #: For equality monitoring questions: which standard question this is ("age_band", "ethnic_group", ...).
    equality_key: Mapped[str] = mapped_column(String(40), default="")

    page: Mapped[SurveyPage] = relationship(back_populates="questions")
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="QuestionOption.position"
    )
    show_if_question: Mapped["Question | None"] = relationship(remote_side=[id])

    @property
    def scale(self):
        """The (low, high) of a rating question."""
        low, high = RATING_DEFAULT
        return (
            self.min_value if self.min_value is not None else low,
            self.max_value if self.max_value is not None else high,
        )


class QuestionOption(db.Model):
    """One answer a resident can pick in a choice or Likert question."""

    __tablename__ = "survey_question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300))
    #: "Prefer not to say" and similar: counted apart in analysis.
    is_exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    question: Mapped[Question] = relationship(back_populates="options")
