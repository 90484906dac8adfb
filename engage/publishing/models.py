"""Moderation and redaction of responses before they are published.

The response's own answers are never changed: a redaction is a range of an answer with the reason,
and the published text replaces each range with a visible "[redacted]" marker. Officers still read
the original.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import UTCDateTime, str_enum
from engage.extensions import db


class ModerationStatus(StrEnum):
    """An officer's decision on publishing a response (no row: not moderated yet)."""

    published = "published"
    rejected = "rejected"

    @property
    def label(self):
        return {"published": "Published", "rejected": "Not published"}[self.value]

    @property
    def colour(self):
        return {"published": "green", "rejected": "grey"}[self.value]


class ResponsePublication(db.Model):
    """Whether a response is published on the consultation's public pages, and who decided."""

    __tablename__ = "response_publications"
    #: The public consultation page looks for its published responses from here: with the
    #: consultation's responses alone to start from, SQLite (without statistics) read every one of
    #: them (the page took 35 ms at 100,000 responses, none published; 7 ms from this index).
    __table_args__ = (Index("ix_response_publications_consultation_status", "consultation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    status: Mapped[ModerationStatus] = mapped_column(str_enum(ModerationStatus, 10), index=True)
    #: Why it was not published (optional), for officers only.
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    response = relationship("Response")
    decided_by = relationship("User")


class ResponseRedaction(db.Model):
    """A passage of a written answer hidden from the published response, with the reason (logged)."""

    __tablename__ = "response_redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    redacted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    answer = relationship("Answer")
    redacted_by = relationship("User")

    @property
    def passage(self):
        text = self.answer.text if self.answer is not None else ""
        return text[self.start_offset : self.end_offset]
