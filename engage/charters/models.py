"""Charters, their append-only versions and sections, anchored comments, approvals and adoptions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class CharterStage(StrEnum):
    """Where a charter is in its workflow. Whether resident comments are accepted also needs the clock."""

    drafting = "drafting"
    open_for_comment = "open_for_comment"
    awaiting_approval = "awaiting_approval"
    adopted = "adopted"

    @property
    def label(self):
        return {
            "drafting": "Drafting",
            "open_for_comment": "Open for comment",
            "awaiting_approval": "Awaiting approval",
            "adopted": "Adopted",
        }[self.value]

    @property
    def colour(self):
        return {"drafting": "grey", "open_for_comment": "green", "awaiting_approval": "yellow", "adopted": "blue"}[
            self.value
        ]


class Moderation(StrEnum):
    """Whether a comment may be seen. Staff comments are approved as they are made; residents' wait."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


charter_places = Table(
    "charter_places",
    db.metadata,
    Column("charter_id", ForeignKey("charters.id", ondelete="CASCADE"), primary_key=True),
    Column("place_id", ForeignKey("places.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Charter(TimestampMixin, db.Model):
    """A charter (such as West Kent's patient involvement charter): its details and its history of versions."""

    __tablename__ = "charters"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The last part of the public address, /charters/<slug>.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: What the charter is for, in a sentence or two (plain text).
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: The officer responsible for the charter.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stage: Mapped[CharterStage] = mapped_column(str_enum(CharterStage, 20), default=CharterStage.drafting)
    #: When residents' comments stop being accepted (set when opened for comment).
    comments_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it was last opened for comment (the start of the resident comment window).
    comments_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner = relationship("User")
    places = relationship("Place", secondary=charter_places, order_by="Place.name")
    versions: Mapped[list["CharterVersion"]] = relationship(
        back_populates="charter", cascade="all, delete-orphan", order_by="CharterVersion.number"
    )
    comments: Mapped[list["CharterComment"]] = relationship(
        back_populates="charter", cascade="all, delete-orphan", order_by="CharterComment.created_at"
    )
    approvals: Mapped[list["CharterApproval"]] = relationship(
        back_populates="charter", cascade="all, delete-orphan", order_by="CharterApproval.approved_at"
    )
    adoptions: Mapped[list["CharterAdoption"]] = relationship(
        back_populates="charter", cascade="all, delete-orphan", order_by="CharterAdoption.adopted_at"
    )

    @property
    def latest(self):
        """The newest version (the one edits and comments start from)."""
        return self.versions[-1] if self.versions else None

    def version(self, number):
        """The version with ``number``, or None."""
        return next((v for v in self.versions if v.number == number), None)

    @property
    def latest_adoption(self):
        """The most recent adoption, whose version is what the public sees; None if never adopted."""
        return self.adoptions[-1] if self.adoptions else None

    @property
    def accepting_resident_comments(self):
        """True while open for comment and before the closing time (the server's clock decides)."""
        return (
            self.stage == CharterStage.open_for_comment
            and self.comments_close_at is not None
            and now_utc() < self.comments_close_at
        )

    def approvals_of(self, version):
        """The approvals recorded for ``version``."""
        return [a for a in self.approvals if a.version_id == version.id]

    def __repr__(self):
        return f"<Charter {self.id} {self.slug}>"


class CharterVersion(db.Model):
    """One saved state of a charter's text. Never changed after it is written: edits add a new one."""

    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("charter_id", "number", name="uq_charter_versions_charter_id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3… within the charter; the unique pair refuses two saves claiming the same number.
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: What changed, in the author's words.
    summary: Mapped[str] = mapped_column(String(300), default="")
    #: Set when this version is a restored copy of an older one.
    restored_from: Mapped[int | None] = mapped_column(Integer)

    charter: Mapped[Charter] = relationship(back_populates="versions")
    author = relationship("User")
    sections: Mapped[list["CharterVersionSection"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="CharterVersionSection.position"
    )

    def section(self, key):
        """The section with stable ``key`` in this version, or None."""
        return next((s for s in self.sections if s.key == key), None)

    def __repr__(self):
        return f"<CharterVersion {self.charter_id} v{self.number}>"


class CharterVersionSection(db.Model):
    """A section as it was in one version. ``key`` stays the same for a section across versions."""

    __tablename__ = "charter_version_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True)
    #: Stable across versions (so renames, moves and comments follow the section), random hex.
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(200))
    #: Markdown; rendered through engage.text.render_markdown, never as raw HTML.
    body: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[CharterVersion] = relationship(back_populates="sections")


class CharterComment(db.Model):
    """A comment on a section of one version, from staff or a resident, or a reply to one."""

    __tablename__ = "charter_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    #: The version the commenter was reading.
    version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True)
    #: The stable key of the section commented on.
    section_key: Mapped[str] = mapped_column(String(32))
    #: Set on a reply: the comment it answers (replies are one level deep).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("charter_comments.id", ondelete="CASCADE"), index=True)
    #: The staff member who wrote it; None for a resident.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A resident's name, if they gave one.
    resident_name: Mapped[str] = mapped_column(String(200), default="")
    #: A resident's email for a reply, if they gave one; never shown publicly.
    resident_email: Mapped[str] = mapped_column(String(254), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    moderation: Mapped[Moderation] = mapped_column(str_enum(Moderation, 10), default=Moderation.approved)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Open while None.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    charter: Mapped[Charter] = relationship(back_populates="comments")
    version: Mapped[CharterVersion] = relationship()
    author = relationship("User", foreign_keys=[author_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    moderated_by = relationship("User", foreign_keys=[moderated_by_id])
    parent = relationship("CharterComment", remote_side=[id], back_populates="replies")
    replies: Mapped[list["CharterComment"]] = relationship(
        back_populates="parent", order_by="CharterComment.created_at"
    )

    @property
    def is_resident(self):
        return self.author_id is None

    @property
    def author_label(self):
        """Who wrote it, as shown to staff."""
        if self.author is not None:
            return f"{self.author.name} ({self.author.role_label})"
        return f"{self.resident_name} (resident)" if self.resident_name else "A resident"

    @property
    def public_author_label(self):
        """Who wrote it, as shown to the public (residents only ever see residents' comments)."""
        return self.resident_name or "A resident"

    def is_outdated(self, latest):
        """True when the section has changed (or gone) since the version this comment was made on."""
        if latest is None or latest.id == self.version_id:
            return False
        then, now = self.version.section(self.section_key), latest.section(self.section_key)
        if then is None or now is None:
            return True
        return (then.heading, then.body) != (now.heading, now.body)


class CharterApproval(db.Model):
    """A body's approval of one version: who recorded it, when, on behalf of whom."""

    __tablename__ = "charter_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True)
    #: The body that approved it, in words: "West Kent HCP Board".
    body_name: Mapped[str] = mapped_column(String(200))
    #: A note such as the meeting and minute reference.
    note: Mapped[str] = mapped_column(Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    charter: Mapped[Charter] = relationship(back_populates="approvals")
    version: Mapped[CharterVersion] = relationship()
    approved_by = relationship("User")


class CharterAdoption(db.Model):
    """A version adopted: from then on it is what the public page shows, until a later adoption."""

    __tablename__ = "charter_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    charter: Mapped[Charter] = relationship(back_populates="adoptions")
    version: Mapped[CharterVersion] = relationship()
    adopted_by = relationship("User")

    @property
    def approvals(self):
        """The approvals of the adopted version."""
        return self.charter.approvals_of(self.version)
