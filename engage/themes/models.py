"""Themes and the evidence attached to them."""

import re
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime
from engage.extensions import db


def title_key(title):
    """The form of a title that must be unique: case and runs of spaces ignored."""
    return " ".join((title or "").split()).casefold()


def slugify(title):
    """A URL fragment for a title: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:80] or "theme"


class Theme(TimestampMixin, db.Model):
    """Something people keep telling us, with the evidence for it and, once ready, what we did."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    #: ``title_key(title)``: the unique constraint lives here, so "Discharge support" and
    #: "discharge  SUPPORT" cannot both exist on SQLite or PostgreSQL.
    title_key: Mapped[str] = mapped_column(String(160), unique=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: Plain text; public once the response is published.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Markdown: "we did", what the partnership did about it. Public once published.
    response: Mapped[str] = mapped_column(Text, default="")
    #: Set when the response is published on "You said, we did"; None while it is a draft.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User")
    evidence: Mapped[list["ThemeEvidence"]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="ThemeEvidence.added_at"
    )

    @property
    def is_published(self):
        return self.published_at is not None

    def __repr__(self):
        return f"<Theme {self.id}>"


class ThemeEvidence(db.Model):
    """A whole record, or one quote from it, attached to a theme."""

    __tablename__ = "theme_evidence"
    __table_args__ = (UniqueConstraint("theme_id", "record_id", "quote_key", name="uq_theme_evidence_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    #: One quote of that record, or None for the whole record. Deleting the quote deletes this.
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("record_quotes.id", ondelete="CASCADE"), index=True)
    #: ``quote_id`` or 0 for the whole record: NULLs never clash in a unique constraint, 0 does.
    quote_key: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    theme: Mapped[Theme] = relationship(back_populates="evidence")
    record = relationship("EngagementRecord")
    quote = relationship("RecordQuote")
    added_by = relationship("User")
