"""Engagement records: what was done, with whom, where, and what was heard."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class RecordKind(StrEnum):
    """Kinds of engagement activity."""

    meeting = "meeting"
    workshop = "workshop"
    focus_group = "focus_group"
    outreach = "outreach"
    drop_in = "drop_in"
    survey = "survey"
    public_event = "public_event"
    one_to_one = "one_to_one"
    correspondence = "correspondence"
    social_media = "social_media"

    @property
    def label(self):
        return (
            self.value.replace("_", " ").capitalize().replace("One to one", "One-to-one").replace("Drop in", "Drop-in")
        )


class Sensitivity(StrEnum):
    """Who may see a record: everyone (public pages), all signed-in partners, or a restricted few."""

    public = "public"
    partners = "partners"
    restricted = "restricted"

    @property
    def label(self):
        return {
            "public": "Public: may appear on public pages",
            "partners": "Partners: everyone signed in",
            "restricted": "Restricted: the author, officers and named reviewers",
        }[self]

    @property
    def short_label(self):
        return self.value.capitalize()


def _link(name, column, table):
    return Table(
        name,
        db.metadata,
        Column("record_id", ForeignKey("engagement_records.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


record_places = _link("record_places", "place_id", "places")
record_topics = _link("record_topics", "topic_id", "topics")
record_organisations = _link("record_organisations", "organisation_id", "organisations")
record_people = _link("record_people", "person_id", "people")
#: Reviewers named on a restricted record, who may then read it.
record_reviewers = _link("record_reviewers", "user_id", "users")


class EngagementRecord(TimestampMixin, db.Model):
    """One engagement activity and what was heard at it."""

    __tablename__ = "engagement_records"
    __table_args__ = (Index("ix_engagement_records_happened_on", "happened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RecordKind] = mapped_column(str_enum(RecordKind))
    #: The day it happened (the first day, for something that ran over several).
    happened_on: Mapped[date]
    ended_on: Mapped[date | None]
    programme_group_id: Mapped[int | None] = mapped_column(ForeignKey("programme_groups.id", ondelete="SET NULL"))
    #: Residents who took part, counted but not named.
    residents_reached: Mapped[int] = mapped_column(Integer, default=0)
    #: Markdown; rendered through engage.text.render_markdown, never as raw HTML.
    what_we_heard: Mapped[str] = mapped_column(Text, default="")
    #: Markdown: what changed as a result (a summary; the actions below carry owners and dates).
    outcomes: Mapped[str] = mapped_column(Text, default="")
    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity, 20), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    author = relationship("User", foreign_keys=[author_id])
    programme_group = relationship("ProgrammeGroup")
    places = relationship("Place", secondary=record_places, order_by="Place.name")
    topics = relationship("Topic", secondary=record_topics, order_by="Topic.name")
    organisations = relationship("Organisation", secondary=record_organisations, order_by="Organisation.name")
    people = relationship("Person", secondary=record_people, order_by="Person.name")
    reviewers = relationship("User", secondary=record_reviewers, order_by="User.name")
    quotes: Mapped[list["RecordQuote"]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordQuote.id"
    )
    comments: Mapped[list["RecordComment"]] = relationship(
        cascade="all, delete-orphan", order_by="RecordComment.created_at"
    )
    flags: Mapped[list["RecordFlag"]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordFlag.raised_at"
    )
    reviews: Mapped[list["RecordReview"]] = relationship(cascade="all, delete-orphan")
    actions: Mapped[list["RecordAction"]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="RecordAction.id"
    )

    def __repr__(self):
        return f"<EngagementRecord {self.id}>"


class RecordQuote(db.Model):
    """Something a resident said, stored without their name."""

    __tablename__ = "record_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)

    record: Mapped[EngagementRecord] = relationship(back_populates="quotes")


class FlagReason(StrEnum):
    """Why a reviewer flagged a record."""

    identifiable = "identifiable"
    needs_response = "needs_response"
    factual_concern = "factual_concern"
    other = "other"

    @property
    def label(self):
        return {
            "identifiable": "Identifiable information",
            "needs_response": "Needs a response",
            "factual_concern": "Factual concern",
            "other": "Something else",
        }[self]


class RecordComment(db.Model):
    """A reviewer's or officer's comment on a record."""

    __tablename__ = "record_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    author = relationship("User")


class RecordFlag(db.Model):
    """A concern raised about a record, open until an officer resolves it."""

    __tablename__ = "record_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    reason: Mapped[FlagReason] = mapped_column(str_enum(FlagReason, 30))
    note: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when an officer resolves the flag; open while None.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    record = relationship(EngagementRecord, back_populates="flags")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    @property
    def is_open(self):
        return self.resolved_at is None


class RecordReview(db.Model):
    """A reviewer marked a record as reviewed (once per reviewer)."""

    __tablename__ = "record_reviews"

    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    reviewer = relationship("User")


class ActionStatus(StrEnum):
    """Where an action stands. Open and in-progress actions past their due date are overdue."""

    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"

    @property
    def label(self):
        return self.value.replace("_", " ").capitalize()

    @property
    def is_closed(self):
        return self in (ActionStatus.done, ActionStatus.cancelled)


#: Statuses that still need doing (the overdue rule and the dashboard use these).
OPEN_STATUSES = (ActionStatus.open, ActionStatus.in_progress)


class RecordAction(TimestampMixin, db.Model):
    """Something the partnership agreed to do about what it heard, with an owner and a due date."""

    __tablename__ = "record_actions"
    __table_args__ = (Index("ix_record_actions_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    #: Plain text (full-text search indexes it).
    description: Mapped[str] = mapped_column(Text)
    #: A person's name or a team, as free text: owners are often outside the partnership's staff.
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus, 20), default=ActionStatus.open)
    #: The London day the action was marked done; cleared if it is reopened.
    completed_on: Mapped[date | None]
    #: What came of it, in plain text (shown beside the action).
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    record: Mapped[EngagementRecord] = relationship(back_populates="actions")

    def is_overdue(self, today):
        """True when the action is still open and its due date is before ``today`` (a London date)."""
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < today


class RecordAttachment(db.Model):
    """A file attached to a record: checked by content, stored by engage.storage under a random key."""

    __tablename__ = "record_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("engagement_records.id", ondelete="CASCADE"), index=True)
    #: The name shown and offered on download: the uploader's, made safe, extension matching the content.
    filename: Mapped[str] = mapped_column(String(200))
    #: Detected from the bytes, never from the name or the browser's claim.
    content_type: Mapped[str] = mapped_column(String(120))
    #: Bytes stored (after images are re-encoded).
    size: Mapped[int] = mapped_column(Integer)
    #: Random name in the file store; nothing the user typed.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Plain text taken from PDFs, Office files and text files, for search; "" when there is none.
    text: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    record = relationship(EngagementRecord, back_populates="attachments")
    uploaded_by = relationship("User")

    @property
    def type_label(self):
        from engage.records.attachments import TYPES

        return TYPES.get(self.content_type, ("File",))[0]

    @property
    def size_label(self):
        from engage.records.attachments import format_size

        return format_size(self.size)

    @property
    def is_inline(self):
        """Images and PDFs open in the browser; everything else is downloaded."""
        from engage.records.attachments import INLINE_TYPES

        return self.content_type in INLINE_TYPES

    def __repr__(self):
        return f"<RecordAttachment {self.id}>"


# Declared here, not in EngagementRecord's body, so this feature stays in one block at the end of the file.
EngagementRecord.attachments = relationship(
    RecordAttachment, back_populates="record", cascade="all, delete-orphan", order_by=RecordAttachment.id
)
