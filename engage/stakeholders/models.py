"""Organisations, people, consent records, seldom-heard groups and programme groups."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, case, event
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db


class OrganisationKind(StrEnum):
    """Types of organisation on the map."""

    nhs_trust = "nhs_trust"
    icb = "icb"
    council = "council"
    healthwatch = "healthwatch"
    voluntary_community = "voluntary_community"
    pcn = "pcn"
    gp_practice = "gp_practice"
    pharmacy = "pharmacy"
    care_home = "care_home"
    hospice = "hospice"
    emergency_service = "emergency_service"
    ppg = "ppg"
    education = "education"
    housing = "housing"
    other = "other"

    @property
    def label(self):
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.nhs_trust: "NHS trust",
    OrganisationKind.icb: "Integrated care board",
    OrganisationKind.council: "Council",
    OrganisationKind.healthwatch: "Healthwatch",
    OrganisationKind.voluntary_community: "Voluntary or community group",
    OrganisationKind.pcn: "Primary care network",
    OrganisationKind.gp_practice: "GP practice",
    OrganisationKind.pharmacy: "Pharmacy",
    OrganisationKind.care_home: "Care home",
    OrganisationKind.hospice: "Hospice",
    OrganisationKind.emergency_service: "Emergency service",
    OrganisationKind.ppg: "Patient participation group",
    OrganisationKind.education: "Education",
    OrganisationKind.housing: "Housing",
    OrganisationKind.other: "Other",
}


class Channel(StrEnum):
    """How a person prefers to be contacted."""

    email = "email"
    phone = "phone"
    text = "text"
    post = "post"
    in_person = "in_person"

    @property
    def label(self):
        return {"email": "Email", "phone": "Phone", "text": "Text message", "post": "Post", "in_person": "In person"}[
            self
        ]


#: Communication needs under the NHS Accessible Information Standard (ask, record, flag, share, act).
COMMUNICATION_NEEDS = {
    "easy_read": "Easy read",
    "large_print": "Large print",
    "bsl": "British Sign Language interpreter",
    "interpreter": "Spoken language interpreter",
    "braille": "Braille",
    "hearing_loop": "Hearing loop",
    "deafblind_manual": "Deafblind manual alphabet",
    "audio": "Audio or recorded information",
    "plain_text_email": "Plain text email",
}


class LawfulBasis(StrEnum):
    """UK GDPR Article 6 bases for keeping a stakeholder's contact details."""

    consent = "consent"
    legitimate_interests = "legitimate_interests"
    public_task = "public_task"
    contract = "contract"

    @property
    def label(self):
        return {
            "consent": "Consent",
            "legitimate_interests": "Legitimate interests",
            "public_task": "Public task",
            "contract": "Contract",
        }[self]


class Quadrant(StrEnum):
    """Power/interest grid quadrants (Mendelow). Influence or interest of 3 or more counts as high."""

    manage_closely = "manage_closely"
    keep_satisfied = "keep_satisfied"
    keep_informed = "keep_informed"
    monitor = "monitor"

    @property
    def label(self):
        return QUADRANT_LABELS[self]


QUADRANT_LABELS = {
    Quadrant.manage_closely: "Manage closely",
    Quadrant.keep_satisfied: "Keep satisfied",
    Quadrant.keep_informed: "Keep informed",
    Quadrant.monitor: "Monitor",
}
#: A score at or above this is "high" on the grid.
HIGH = 3


def quadrant_of(influence, interest):
    """Return the Quadrant for an influence and interest score (1-5), or None if either is missing."""
    if influence is None or interest is None:
        return None
    if influence >= HIGH:
        return Quadrant.manage_closely if interest >= HIGH else Quadrant.keep_satisfied
    return Quadrant.keep_informed if interest >= HIGH else Quadrant.monitor


def quadrant_condition(cls, quadrant):
    """SQL condition for "in this quadrant", written as ranges so the score indexes can serve it."""
    high_influence, high_interest = cls.influence >= HIGH, cls.interest >= HIGH
    low_influence, low_interest = cls.influence < HIGH, cls.interest < HIGH
    return {
        Quadrant.manage_closely: high_influence & high_interest,
        Quadrant.keep_satisfied: high_influence & low_interest,
        Quadrant.keep_informed: low_influence & high_interest,
        Quadrant.monitor: low_influence & low_interest,
    }[Quadrant(quadrant)]


def _quadrant_expression(cls):
    return case(
        (cls.influence.is_(None) | cls.interest.is_(None), None),
        ((cls.influence >= HIGH) & (cls.interest >= HIGH), Quadrant.manage_closely.value),
        (cls.influence >= HIGH, Quadrant.keep_satisfied.value),
        (cls.interest >= HIGH, Quadrant.keep_informed.value),
        else_=Quadrant.monitor.value,
    )


class StakeholderMixin:
    """Influence and interest (1-5), relationship owner and notes, shared by organisations and people."""

    #: How much the stakeholder can affect decisions, 1 (little) to 5 (a great deal).
    influence: Mapped[int | None]
    #: How much the decisions affect or concern them, 1 to 5.
    interest: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    @hybrid_property
    def quadrant(self):
        return quadrant_of(self.influence, self.interest)

    @quadrant.inplace.expression
    @classmethod
    def _quadrant(cls):
        return _quadrant_expression(cls)


def _link_table(name, left_column, left_table, right_column, right_table):
    """A many-to-many table of two foreign keys, both cascading on delete."""
    return Table(
        name,
        db.metadata,
        Column(left_column, ForeignKey(f"{left_table}.id", ondelete="CASCADE"), primary_key=True),
        Column(right_column, ForeignKey(f"{right_table}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


organisation_places = _link_table("organisation_places", "organisation_id", "organisations", "place_id", "places")
organisation_topics = _link_table("organisation_topics", "organisation_id", "organisations", "topic_id", "topics")
organisation_groups = _link_table(
    "organisation_groups", "organisation_id", "organisations", "group_id", "seldom_heard_groups"
)
person_places = _link_table("person_places", "person_id", "people", "place_id", "places")
person_topics = _link_table("person_topics", "person_id", "people", "topic_id", "topics")
person_groups = _link_table("person_groups", "person_id", "people", "group_id", "seldom_heard_groups")


class SeldomHeardGroup(TimestampMixin, db.Model):
    """A group that is seldom heard (carers, young people, people experiencing homelessness…)."""

    __tablename__ = "seldom_heard_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_archived: Mapped[bool] = mapped_column(default=False)


class Organisation(StakeholderMixin, TimestampMixin, db.Model):
    """An organisation on the stakeholder map."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
        Index("ix_organisations_scores", "influence", "interest"),
        # Serves "type = X ordered by name" without sorting every organisation of that type.
        Index("ix_organisations_kind_name", "kind", "name"),
        Index("ix_organisations_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    #: A GP practice belongs to a primary care network; a patient participation group to a practice.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    #: Normalised UK postcode, e.g. "ME14 1RF".
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    influence: Mapped[int | None] = mapped_column(Integer)
    interest: Mapped[int | None] = mapped_column(Integer)
    #: Lower-cased name and postcode for search; kept by the model on every save.
    search_text: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Organisation"]] = relationship(back_populates="parent", order_by="Organisation.name")
    owner = relationship("User")
    places = relationship("Place", secondary=organisation_places, order_by="Place.name")
    topics = relationship("Topic", secondary=organisation_topics, order_by="Topic.name")
    groups = relationship(SeldomHeardGroup, secondary=organisation_groups, order_by=SeldomHeardGroup.name)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Organisation {self.id}>"


class Person(StakeholderMixin, TimestampMixin, db.Model):
    """A person on the stakeholder map. Fictional in demo content; personal data in real use."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
        Index("ix_people_scores", "influence", "interest"),
        Index("ix_people_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    job_title: Mapped[str] = mapped_column(String(160), default="")
    #: Stored lower-cased; not unique, since shared inboxes exist, but duplicates are flagged.
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    preferred_channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, 20))
    #: Accessible Information Standard needs: keys of COMMUNICATION_NEEDS.
    communication_needs: Mapped[list] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(80), default="")
    communication_notes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    influence: Mapped[int | None] = mapped_column(Integer)
    interest: Mapped[int | None] = mapped_column(Integer)
    #: Lower-cased name, email, role and postcode for search; kept by the model on every save.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: Set from the latest consent record: False once contact consent is withdrawn.
    is_contactable: Mapped[bool] = mapped_column(default=False, index=True)

    owner = relationship("User")
    topics = relationship("Topic", secondary=person_topics, order_by="Topic.name")
    groups = relationship(SeldomHeardGroup, secondary=person_groups, order_by=SeldomHeardGroup.name)
    places = relationship("Place", secondary=person_places, order_by="Place.name")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="person", cascade="all, delete-orphan")
    consents: Mapped[list["ConsentRecord"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ConsentRecord.recorded_at.desc()"
    )

    @property
    def organisations(self):
        return [m.organisation for m in self.memberships]

    @property
    def current_consent(self):
        """The latest consent record, or None when nothing was ever recorded."""
        return self.consents[0] if self.consents else None

    @property
    def communication_need_labels(self):
        labels = [COMMUNICATION_NEEDS[k] for k in self.communication_needs if k in COMMUNICATION_NEEDS]
        if self.interpreter_language and "interpreter" in self.communication_needs:
            labels = [
                f"{label} ({self.interpreter_language})" if label.startswith("Spoken") else label for label in labels
            ]
        return labels

    def __repr__(self):
        return f"<Person {self.id}>"


def search_text_of(*parts):
    """The text search looks in: the parts, lower-cased, joined by a separator no word contains."""
    return " | ".join(p.strip().lower() for p in parts if p)


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _organisation_search_text(mapper, connection, target):
    target.search_text = search_text_of(target.name, target.postcode)


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _person_search_text(mapper, connection, target):
    target.search_text = search_text_of(target.name, target.email, target.job_title, target.postcode)


class Membership(db.Model):
    """A person's place in an organisation, with their role there."""

    __tablename__ = "memberships"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(160), default="")

    person: Mapped[Person] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class ConsentAction(StrEnum):
    given = "given"
    withdrawn = "withdrawn"


class ConsentRecord(db.Model):
    """One entry in a person's consent history: given (with basis, date, source) or withdrawn."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    action: Mapped[ConsentAction] = mapped_column(str_enum(ConsentAction, 20))
    lawful_basis: Mapped[LawfulBasis | None] = mapped_column(str_enum(LawfulBasis, 30))
    #: The date the person gave (or withdrew) consent, which may be before it was recorded here.
    effective_on: Mapped[date]
    #: Where it came from: "signed form at Maidstone drop-in", "email of 3 May".
    source: Mapped[str] = mapped_column(String(300), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(back_populates="consents")
    recorded_by = relationship("User")


class ProgrammeGroup(TimestampMixin, db.Model):
    """A board or programme group (HCP Board, Urgent Care Delivery Board, frailty programme group)."""

    __tablename__ = "programme_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))

    place = relationship("Place")
    members: Mapped[list["GroupMember"]] = relationship(back_populates="group", cascade="all, delete-orphan")

    @property
    def has_resident_representative(self):
        """True when at least one member sits as a patient or resident representative."""
        return any(m.is_resident_representative for m in self.members)


class GroupMember(db.Model):
    """A person from the map sitting on a programme group."""

    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("programme_groups.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    #: Sits as a patient or resident representative (rather than for an organisation).
    is_resident_representative: Mapped[bool] = mapped_column(default=False)

    group: Mapped[ProgrammeGroup] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class ImportBatch(db.Model):
    """An uploaded CSV/XLSX waiting for the officer to map columns and confirm. Deleted once applied."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable id used in the URL.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    #: "organisations" or "people".
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    headers: Mapped[list] = mapped_column(JSON)
    rows: Mapped[list] = mapped_column(JSON)
    #: Target field -> column index, or None when not mapped.
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    #: True once the officer has confirmed a mapping and may see the dry run.
    is_mapped: Mapped[bool] = mapped_column(default=False)
