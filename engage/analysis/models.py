"""What officers add to responses: the scan of a paper response, second keyings, and codes (themes)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import UTCDateTime
from engage.extensions import db


class ResponseScan(db.Model):
    """A scan or copy of an offline response (a letter, an email, notes of a call), checked by content."""

    __tablename__ = "response_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    response = relationship("Response")

    @property
    def is_inline(self):
        return self.content_type in ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


class ResponseKeying(db.Model):
    """A second officer's keying of the same paper response, kept to compare answer by answer."""

    __tablename__ = "response_keyings"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    keyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    keyed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Respondent details as keyed (respondent type, organisation, name, email, publish consent).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Question id (as text) -> the clean answer, in the form the journey's drafts keep.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)

    keyed_by = relationship("User")


class ResponseCode(db.Model):
    """A written answer, or a passage of it, coded to one of the repository's themes."""

    __tablename__ = "response_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    #: The passage's character offsets in the answer; both None when the whole answer is coded.
    start_offset: Mapped[int | None] = mapped_column(Integer)
    end_offset: Mapped[int | None] = mapped_column(Integer)
    #: Picked as a quote for the outcome (never with the respondent's identity).
    is_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    coded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    answer = relationship("Answer")
    question = relationship("Question")
    theme = relationship("Theme")
    coded_by = relationship("User")

    @property
    def is_passage(self):
        return self.start_offset is not None

    @property
    def passage(self):
        """The coded words: the passage, or the whole answer."""
        text = self.answer.text if self.answer is not None else ""
        if self.start_offset is None:
            return text
        return text[self.start_offset : self.end_offset]
