"""Consultations, their events, documents (with versions), closing-date extensions and format requests."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    literal,
    type_coerce,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class ConsultationStage(StrEnum):
    """What an officer decided, which the clock cannot know. Opening and closing come from the clock."""

    draft = "draft"
    #: Ready to run: scheduled, open or closed according to the clock.
    ready = "ready"
    analysing = "analysing"
    outcome_published = "outcome_published"


class ConsultationStatus(StrEnum):
    """The status people see: the stage combined with the clock."""

    draft = "draft"
    scheduled = "scheduled"
    open = "open"
    closed = "closed"
    analysing = "analysing"
    outcome_published = "outcome_published"

    @property
    def label(self):
        return {"outcome_published": "Outcome published"}.get(self.value, self.value.capitalize())

    @property
    def colour(self):
        return {
            "draft": "grey",
            "scheduled": "purple",
            "open": "green",
            "closed": "red",
            "analysing": "yellow",
            "outcome_published": "blue",
        }[self.value]


#: Statuses residents may see. Analysing is a closed consultation whose responses are being read.
PUBLIC_STATUSES = (
    ConsultationStatus.open,
    ConsultationStatus.closed,
    ConsultationStatus.analysing,
    ConsultationStatus.outcome_published,
)


def _link(name, column, table):
    return Table(
        name,
        db.metadata,
        Column("consultation_id", ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


consultation_places = _link("consultation_places", "place_id", "places")
consultation_topics = _link("consultation_topics", "topic_id", "topics")


class Consultation(TimestampMixin, db.Model):
    """A public consultation: what is proposed, when people can respond and how."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The last part of the public address, /consultations/<slug>.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Markdown; rendered through engage.text.render_markdown, never as raw HTML.
    body: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    stage: Mapped[ConsultationStage] = mapped_column(str_enum(ConsultationStage, 20), default=ConsultationStage.draft)
    #: Who the consultation is for, in the officer's words ("carers; young people; everyone in West Kent").
    audiences: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    #: An online survey is planned (the survey itself comes with the survey builder).
    has_online_survey: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where to post a response, such as a Freepost address. Empty: no postal channel.
    postal_address: Mapped[str] = mapped_column(Text, default="")
    #: Where to email a response. Empty: no email channel.
    response_email: Mapped[str] = mapped_column(String(254), default="")
    #: Gunning 1: why consult now, while the proposals are still formative.
    fairness_why_now: Mapped[str] = mapped_column(Text, default="")
    #: Gunning 2: what information is provided so people can respond intelligently.
    fairness_information: Mapped[str] = mapped_column(Text, default="")
    #: Gunning 3: why the length of the consultation is adequate.
    fairness_length: Mapped[str] = mapped_column(Text, default="")
    #: Markdown: what was decided and why (Gunning 4), published with the outcome.
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: How each channel's deadline is applied, e.g. "Post: postmarked by the closing date".
    deadline_rules: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Why the outcome may be published while some responses are still unread (recorded by an officer).
    unread_outcome_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: When the outcome was published; personal details in responses are removed a set time after.
    outcome_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    places = relationship("Place", secondary=consultation_places, order_by="Place.name")
    topics = relationship("Topic", secondary=consultation_topics, order_by="Topic.name")
    events: Mapped[list["ConsultationEvent"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="ConsultationEvent.starts_at"
    )
    documents: Mapped[list["ConsultationDocument"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="ConsultationDocument.id"
    )
    extensions: Mapped[list["ClosingDateExtension"]] = relationship(
        cascade="all, delete-orphan", order_by="ClosingDateExtension.extended_at"
    )
    format_requests: Mapped[list["FormatRequest"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="FormatRequest.requested_at"
    )
    #: The online survey (engage/surveys), if one was made.
    survey = relationship("Survey", back_populates="consultation", uselist=False, passive_deletes=True)

    @hybrid_property
    def status(self):
        """The status now: the stored stage, and for a ready consultation the clock."""
        now = now_utc()
        stage = self.stage or ConsultationStage.draft
        if stage != ConsultationStage.ready:
            return ConsultationStatus(stage.value)
        if now < self.opens_at:
            return ConsultationStatus.scheduled
        if now < self.closes_at:
            return ConsultationStatus.open
        return ConsultationStatus.closed

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        # The same rule in SQL, so lists filter and sort exactly as the page shows.
        now = literal(now_utc(), UTCDateTime)
        stage = type_coerce(cls.stage, String(20))
        return type_coerce(
            case(
                (stage != ConsultationStage.ready.value, stage),
                (cls.opens_at > now, ConsultationStatus.scheduled.value),
                (cls.closes_at > now, ConsultationStatus.open.value),
                else_=ConsultationStatus.closed.value,
            ),
            String(20),
        )

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def has_opened(self):
        """True from the opening time on: residents may have read its documents, which are then frozen."""
        return self.status in PUBLIC_STATUSES

    @property
    def can_extend(self):
        """Closing dates move only before the consultation has closed."""
        return self.stage in (ConsultationStage.draft, ConsultationStage.ready) and now_utc() < self.closes_at

    @property
    def fairness_complete(self):
        return all(s.strip() for s in (self.fairness_why_now, self.fairness_information, self.fairness_length))

    def __repr__(self):
        return f"<Consultation {self.id} {self.slug}>"


class ConsultationEvent(db.Model):
    """A meeting, drop-in or webinar where people can hear about the proposals and respond."""

    __tablename__ = "consultation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where: a full address, or "Online" with joining details.
    venue: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship(back_populates="events")


class DocumentKind(StrEnum):
    """The kinds of consultation document residents look for."""

    full = "full"
    summary = "summary"
    easy_read = "easy_read"
    other_language = "other_language"
    other = "other"

    @property
    def label(self):
        return {
            "full": "Full consultation document",
            "summary": "Summary",
            "easy_read": "Easy read",
            "other_language": "Another language",
            "other": "Other document",
        }[self.value]


class ConsultationDocument(db.Model):
    """A consultation document's lasting identity: what it is. Its file or link lives in its versions.

    Once the consultation has opened, residents may have read it: it is then frozen. A change adds a
    new dated version and withdrawing it is a dated event, so the page can show what was available when.
    """

    __tablename__ = "consultation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, 20))
    #: For a document in another language: the language's name, e.g. "Polish".
    language: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when an officer withdrew the document after opening; it stays in the document history.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Why it was withdrawn, shown to residents ("" when none was given).
    withdrawn_note: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship(back_populates="documents")
    versions: Mapped[list["ConsultationDocumentVersion"]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by="ConsultationDocumentVersion.number",
        lazy="selectin",
    )
    withdrawn_by = relationship("User")

    @property
    def current(self):
        """The latest version (what residents get now, unless the document was withdrawn)."""
        return self.versions[-1] if self.versions else None

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_frozen(self):
        """True once the consultation has opened: then only new versions and withdrawal are allowed."""
        return self.consultation.has_opened

    @property
    def kind_label(self):
        if self.kind == DocumentKind.other_language and self.language:
            return f"{self.kind.label}: {self.language}"
        return self.kind.label

    def available_from(self, version):
        """When residents could first get ``version``: its date, or the opening if it was added before."""
        return max(version.added_at, self.consultation.opens_at)

    def available_until(self, version):
        """When ``version`` stopped being the current one (replaced or withdrawn); None while it still is."""
        later = [v for v in self.versions if v.number > version.number]
        if later:
            return later[0].added_at
        return self.withdrawn_at

    def published_at_opening(self, version):
        return version.added_at <= self.consultation.opens_at

    def __repr__(self):
        return f"<ConsultationDocument {self.id}>"


class ConsultationDocumentVersion(db.Model):
    """One dated version of a document: a web link, or a file checked by content and stored by key.

    Kept forever once the consultation has opened, so every earlier version can still be read.
    """

    __tablename__ = "consultation_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("consultation_documents.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3... within the document.
    number: Mapped[int] = mapped_column(Integer)
    #: A link to a document published elsewhere; "" for an uploaded file.
    url: Mapped[str] = mapped_column(String(500), default="")
    #: Random name in engage.storage for an uploaded file; None for a link.
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The name offered on download: the uploader's, made safe, extension matching the content.
    filename: Mapped[str] = mapped_column(String(200), default="")
    #: Detected from the bytes, never from the name or the browser's claim.
    content_type: Mapped[str] = mapped_column(String(120), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    #: What changed from the version before, in the officer's words; "" for none.
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    document: Mapped[ConsultationDocument] = relationship(back_populates="versions")
    added_by = relationship("User")

    @property
    def is_file(self):
        return self.storage_key is not None

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


class ClosingDateExtension(db.Model):
    """A closing date moved later, with the reason (kept forever, as evidence of fairness)."""

    __tablename__ = "closing_date_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    old_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    extended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    extended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    extended_by = relationship("User")


class FormatKind(StrEnum):
    """Alternative formats a resident can ask for."""

    easy_read = "easy_read"
    large_print = "large_print"
    other_language = "other_language"
    bsl = "bsl"

    @property
    def label(self):
        return {
            "easy_read": "Easy read",
            "large_print": "Large print",
            "other_language": "Another language",
            "bsl": "British Sign Language (BSL)",
        }[self.value]


class FormatRequest(db.Model):
    """A resident's request for the consultation in another format, kept to show it was acted on."""

    __tablename__ = "format_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    format: Mapped[FormatKind] = mapped_column(str_enum(FormatKind, 20))
    #: The language asked for, when the format is another language.
    language: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when an officer has sent the format; open while None.
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship(back_populates="format_requests")
    fulfilled_by = relationship("User")

    @property
    def format_label(self):
        if self.format == FormatKind.other_language and self.language:
            return f"{self.format.label}: {self.language}"
        return self.format.label


class ConsultationSubscription(db.Model):
    """A resident's request for email updates on a consultation, kept until they unsubscribe.

    Double opt-in: only a subscription whose owner followed the emailed link (``confirmed_at`` set)
    gets updates. The link's token is random and only its sha256 is stored. One row per address and
    consultation: subscribing again after unsubscribing reuses the row and asks for confirmation again.
    """

    __tablename__ = "consultation_subscriptions"
    __table_args__ = (UniqueConstraint("consultation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: Lower-cased, as engage.validators.normalise_email returns it.
    email: Mapped[str] = mapped_column(String(254))
    #: sha256 (hex) of the token in the latest confirmation link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: When the latest confirmation email was sent (to stop the form being used to flood an inbox).
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()

    @property
    def is_active(self):
        """Confirmed and not unsubscribed: this address gets updates."""
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def __repr__(self):
        return f"<ConsultationSubscription {self.id}>"


class ReminderKind(StrEnum):
    """The emails ``flask consultations remind`` sends, each at most once per recipient."""

    closes_in_7_days = "closes_in_7_days"
    closes_in_1_day = "closes_in_1_day"
    outcome_published = "outcome_published"


class SentReminder(db.Model):
    """One reminder sent (or being sent) to one recipient. The unique key is what stops a second send.

    The recipient is a sha256 of the lower-cased address, never the address itself (for closing
    reminders, with the closing time: see engage.consultations.reminders.recipient_key).
    """

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("consultation_id", "kind", "recipient_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(str_enum(ReminderKind, 30))
    recipient_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
