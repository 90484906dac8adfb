"""Responses to a consultation, their answers, equality monitoring answers kept apart, and drafts.

A response is written in one transaction with all its answers. Each online response carries the key
of the draft it came from (unique), so a retried submission finds the response already received
instead of storing it twice.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class ResponseChannel(StrEnum):
    """How a response reached the team."""

    online = "online"
    post = "post"
    email = "email"
    phone = "phone"
    event = "event"
    other = "other"

    @property
    def label(self):
        return {
            "online": "Online survey",
            "post": "Post",
            "email": "Email",
            "event": "At an event",
            "other": "Other",
            "phone": "Phone",
        }[self.value]


class RespondentType(StrEnum):
    individual = "individual"
    organisation = "organisation"

    @property
    def label(self):
        return {"individual": "As an individual", "organisation": "On behalf of an organisation"}[self.value]


class PublishConsent(StrEnum):
    """Whether the respondent lets the team publish their response."""

    anonymous = "anonymous"
    named = "named"
    no = "no"

    @property
    def label(self):
        return {
            "anonymous": "Yes, publish it without my name",
            "named": "Yes, publish it with my name (or my organisation's name)",
            "no": "No, do not publish it",
        }[self.value]


class AnalysisStatus(StrEnum):
    """How far officers have got with a response: conscientious consideration, shown."""

    unread = "unread"
    read = "read"
    coded = "coded"

    @property
    def label(self):
        return {"unread": "Unread", "read": "Read", "coded": "Coded"}[self.value]


class Response(db.Model):
    """One person's or organisation's response to a consultation."""

    __tablename__ = "responses"
    #: Each index starts with the consultation and holds every column its readers compare, so none
    #: reads the rows: SQLite without statistics picks the index with the most equal columns, and
    #: with consultation_id's alone it read every response of the consultation.
    #: - counts: what the officers' counts group and filter by (the dashboard took 123 ms at 100,000
    #:   responses reading the rows, 29 ms from this index; bench/survey_scale.py);
    #: - same_answers, same_email: the duplicate checks every online submission makes
    #:   (engage.responses.services; 17 ms a submission at 100,000 responses, 31 ms with an email).
    __table_args__ = (
        Index("ix_responses_consultation_counts", "consultation_id", "channel", "duplicate", "analysis_status", "late"),
        Index("ix_responses_same_answers", "consultation_id", "answers_hash", "network_hash", "submitted_at"),
        Index("ix_responses_same_email", "consultation_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    #: Shown to the respondent ("K7MP-4QXD"): short, unguessable and unique.
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    channel: Mapped[ResponseChannel] = mapped_column(str_enum(ResponseChannel, 10), default=ResponseChannel.online)
    respondent_type: Mapped[RespondentType] = mapped_column(
        str_enum(RespondentType, 20), default=RespondentType.individual
    )
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Where the receipt went, if the respondent wanted one.
    email: Mapped[str] = mapped_column(String(254), default="")
    publish_consent: Mapped[PublishConsent] = mapped_column(str_enum(PublishConsent, 10), default=PublishConsent.no)
    #: The privacy notice version the respondent accepted (Survey.privacy_version).
    privacy_version: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: The draft this response came from: unique, so a retried submission is "already received".
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Possible duplicate or abuse, for an officer to look at; flagged responses are never dropped.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flag_reason: Mapped[str] = mapped_column(Text, default="")
    #: A keyed hash of the sender's network (IPv4 /24, IPv6 /48), never the address itself.
    network_hash: Mapped[str] = mapped_column(String(64), default="")
    #: A hash of the normalised answers, to spot near-identical responses.
    answers_hash: Mapped[str] = mapped_column(String(64), default="")
    #: The officer who typed in a postal, email or event response.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The London date an offline response arrived (postmark or receipt, as the channel's rule says).
    received_on: Mapped[date | None] = mapped_column(Date)
    #: Received after the closing date: kept and counted, but shown as late.
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Marked by an officer as a duplicate: kept, left out of counts, and counted separately.
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    duplicate_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    analysis_status: Mapped[AnalysisStatus] = mapped_column(
        str_enum(AnalysisStatus, 10), default=AnalysisStatus.unread, server_default="unread", index=True
    )

    consultation = relationship("Consultation")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )
    equality_answers: Mapped[list["EqualityAnswer"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EqualityAnswer.id"
    )

    def __repr__(self):
        return f"<Response {self.id} {self.reference}>"


class _AnswerColumns:
    """An answer to one question. Multiple choice answers are one row per option picked."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Chosen option (single/multiple choice, Likert).
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_question_options.id"), index=True)
    #: Text answers; "yes"/"no"; a date as YYYY-MM-DD; a postcode normalised ("ME14 1XX").
    text: Mapped[str] = mapped_column(Text, default="")
    #: Number and rating answers.
    number: Mapped[int | None] = mapped_column(Integer)


class Answer(_AnswerColumns, db.Model):
    __tablename__ = "answers"
    #: By question with the response: how many responded to each question (the survey builder's
    #: counts) is read from the index alone (at 1.1 million answers the builder took 269 ms reading
    #: rows, 104 ms from the index).
    __table_args__ = (Index("ix_answers_question_response", "question_id", "response_id"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"))
    #: An officer marked this text as identifying someone: removed by the retention command.
    identifying: Mapped[bool] = mapped_column(Boolean, default=False)

    response: Mapped[Response] = relationship(back_populates="answers")
    question = relationship("Question")
    option = relationship("QuestionOption")


class EqualityAnswer(_AnswerColumns, db.Model):
    """An equality monitoring answer, kept apart from the response's other answers for analysis."""

    __tablename__ = "equality_answers"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"), index=True)

    question = relationship("Question")
    option = relationship("QuestionOption")


class ResponseDraft(TimestampMixin, db.Model):
    """A response in progress, kept on the server so a resident can leave and come back."""

    __tablename__ = "response_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: Random; held in the resident's session cookie and becomes Response.submission_key.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the private resume link's token (the token itself is never stored).
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Who is responding and how: respondent type, organisation, name, email, consents.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Question id (as text) -> the answer as submitted (a string, or a list for multiple choice).
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The furthest page reached (1-based); pages beyond it cannot be posted.
    furthest_page: Mapped[int] = mapped_column(Integer, default=0)
    #: The link stops working when the consultation closes.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
