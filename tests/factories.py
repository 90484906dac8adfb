"""factory_boy factories with hostile defaults: markup and odd text in every free-text field."""

import datetime
import hashlib

import factory
from argon2 import PasswordHasher

from engage.accounts.models import User
from engage.charters.models import (
    Charter,
    CharterComment,
    CharterStage,
    CharterVersion,
    CharterVersionSection,
    Moderation,
)
from engage.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationDocumentVersion,
    ConsultationEvent,
    ConsultationStage,
    ConsultationSubscription,
    DocumentKind,
    FormatKind,
    FormatRequest,
)
from engage.dates import now_utc
from engage.extensions import db
from engage.permissions import Role
from engage.records.models import (
    ActionStatus,
    EngagementRecord,
    FlagReason,
    RecordAction,
    RecordAttachment,
    RecordFlag,
    RecordKind,
    RecordQuote,
    Sensitivity,
)
from engage.reference.models import Place, PlaceKind, Topic
from engage.responses.models import Answer, Response, ResponseChannel
from engage.stakeholders.models import (
    GroupMember,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    ProgrammeGroup,
    SeldomHeardGroup,
)
from engage.storage import get_storage, new_key
from engage.surveys.models import Question, QuestionKind, QuestionOption, Survey, SurveyPage
from engage.themes.models import Theme, ThemeEvidence, slugify, title_key

#: Every factory user has this password; the hash is made once, argon2 being slow on purpose.
PASSWORD = "correct-horse-battery-staple-42"
_PASSWORD_HASH = PasswordHasher().hash(PASSWORD)

HOSTILE = "<script>alert('x')</script> {{7*7}} =HYPERLINK(\"http://evil\") \u202eRTL"


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"Staff {n} {HOSTILE}")
    role = Role.officer
    organisation = HOSTILE
    password_hash = _PASSWORD_HASH


class PlaceFactory(BaseFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n} {HOSTILE}")
    kind = PlaceKind.system
    population = 100_000
    breakdown = factory.LazyFunction(dict)


class TopicFactory(BaseFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n} {HOSTILE}")
    description = HOSTILE


class SeldomHeardGroupFactory(BaseFactory):
    class Meta:
        model = SeldomHeardGroup

    name = factory.Sequence(lambda n: f"Group {n} {HOSTILE}")


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} {HOSTILE}")
    kind = OrganisationKind.voluntary_community
    notes = HOSTILE
    influence = 4
    interest = 4


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n} {HOSTILE}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    job_title = HOSTILE
    notes = HOSTILE
    communication_needs = factory.LazyFunction(list)
    influence = 2
    interest = 4


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = HOSTILE


class ProgrammeGroupFactory(BaseFactory):
    class Meta:
        model = ProgrammeGroup

    name = factory.Sequence(lambda n: f"Programme group {n} {HOSTILE}")
    purpose = HOSTILE


class GroupMemberFactory(BaseFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(ProgrammeGroupFactory)
    person = factory.SubFactory(PersonFactory)


class EngagementRecordFactory(BaseFactory):
    class Meta:
        model = EngagementRecord

    title = factory.Sequence(lambda n: f"Record {n} {HOSTILE}")
    kind = RecordKind.workshop
    happened_on = datetime.date(2026, 10, 1)
    residents_reached = 12
    what_we_heard = HOSTILE
    sensitivity = Sensitivity.partners


class RecordFlagFactory(BaseFactory):
    class Meta:
        model = RecordFlag

    record = factory.SubFactory(EngagementRecordFactory)
    reason = FlagReason.factual_concern
    note = HOSTILE


class RecordQuoteFactory(BaseFactory):
    class Meta:
        model = RecordQuote

    record = factory.SubFactory(EngagementRecordFactory)
    text = factory.Sequence(lambda n: f"Quote {n} {HOSTILE}")


class RecordActionFactory(BaseFactory):
    class Meta:
        model = RecordAction

    record = factory.SubFactory(EngagementRecordFactory)
    description = factory.Sequence(lambda n: f"Action {n} {HOSTILE}")
    owner = HOSTILE
    status = ActionStatus.open


class ThemeFactory(BaseFactory):
    class Meta:
        model = Theme

    title = factory.Sequence(lambda n: f"Theme {n} {HOSTILE}")
    title_key = factory.LazyAttribute(lambda o: title_key(o.title))
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = HOSTILE
    response = ""


class ThemeEvidenceFactory(BaseFactory):
    class Meta:
        model = ThemeEvidence

    theme = factory.SubFactory(ThemeFactory)
    record = factory.SubFactory(EngagementRecordFactory)
    quote = None
    quote_key = factory.LazyAttribute(lambda o: o.quote.id if o.quote is not None else 0)
    note = HOSTILE


class ConsultationFactory(BaseFactory):
    """A draft (so never public unless a test says so), open from yesterday for ten days once ready."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Consultation {n} {HOSTILE}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    summary = HOSTILE
    body = f"**Proposals** {HOSTILE} [link](javascript:alert(1))"
    opens_at = factory.LazyFunction(lambda: now_utc() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: now_utc() + datetime.timedelta(days=10))
    stage = ConsultationStage.draft
    audiences = HOSTILE
    contact_name = HOSTILE
    contact_email = "consult@example.org"
    postal_address = f"Freepost {HOSTILE}"
    response_email = "responses@example.org"
    fairness_why_now = HOSTILE
    fairness_information = HOSTILE
    fairness_length = HOSTILE


class ConsultationEventFactory(BaseFactory):
    class Meta:
        model = ConsultationEvent

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Drop-in {n} {HOSTILE}")
    starts_at = factory.LazyFunction(lambda: now_utc() + datetime.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    venue = f"Village hall\n{HOSTILE}"


class ConsultationDocumentFactory(BaseFactory):
    class Meta:
        model = ConsultationDocument

    """A document with a version 1: a link by default, or a stored text file when ``content`` is given."""

    consultation = factory.SubFactory(ConsultationFactory)
    kind = DocumentKind.summary
    title = f"Summary {HOSTILE}"

    @classmethod
    def _create(cls, model_class, *args, url="https://www.example.org/summary.pdf", content=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        version = ConsultationDocumentVersion(number=1, url=url if content is None else "")
        if content is not None:
            version.storage_key = new_key()
            version.filename = f"summary {HOSTILE}.txt"
            version.content_type = "text/plain"
            version.size = len(content)
            version.sha256 = hashlib.sha256(content).hexdigest()
            get_storage().put(version.storage_key, content, version.content_type)
        obj.versions.append(version)
        db.session.flush()
        return obj


class FormatRequestFactory(BaseFactory):
    class Meta:
        model = FormatRequest

    consultation = factory.SubFactory(ConsultationFactory)
    name = f"Resident {HOSTILE}"
    email = "resident@example.org"
    format = FormatKind.large_print
    details = HOSTILE


class RecordAttachmentFactory(BaseFactory):
    """An attachment whose bytes are really in the app's storage (``content`` sets them)."""

    class Meta:
        model = RecordAttachment

    record = factory.SubFactory(EngagementRecordFactory)
    content = b"Notes from the session.\n"
    filename = factory.Sequence(lambda n: f"notes {n} <script>.txt")
    content_type = "text/plain"
    size = factory.LazyAttribute(lambda o: len(o.content))
    storage_key = factory.LazyFunction(new_key)
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    text = factory.LazyAttribute(lambda o: o.content.decode("utf-8", "replace"))

    @classmethod
    def _create(cls, model_class, *args, content=b"", **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        get_storage().put(obj.storage_key, content, obj.content_type)
        return obj


class SurveyFactory(BaseFactory):
    class Meta:
        model = Survey

    consultation = factory.SubFactory(ConsultationFactory, has_online_survey=True)
    introduction = f"Tell us what you think. {HOSTILE}"
    privacy_notice = f"We keep your answers safely. {HOSTILE}"


class SurveyPageFactory(BaseFactory):
    class Meta:
        model = SurveyPage

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Page {n} {HOSTILE}")


class QuestionFactory(BaseFactory):
    """An optional short text question; pass kind=... and options=[...] labels for choice questions."""

    class Meta:
        model = Question

    page = factory.SubFactory(SurveyPageFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = QuestionKind.short_text
    text = factory.Sequence(lambda n: f"Question {n} {HOSTILE}")
    help_text = HOSTILE
    required = False

    @factory.post_generation
    def options(self, create, labels, **kwargs):
        for position, label in enumerate(labels or (), start=1):
            self.options.append(QuestionOption(position=position, label=label))
        if labels and create:
            db.session.flush()


class ResponseFactory(BaseFactory):
    class Meta:
        model = Response

    consultation = factory.SubFactory(ConsultationFactory)
    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    channel = ResponseChannel.online
    name = HOSTILE
    email = factory.Sequence(lambda n: f"resident{n}@example.org")


class AnswerFactory(BaseFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    text = HOSTILE


class ConsultationSubscriptionFactory(BaseFactory):
    """A confirmed subscription to email updates (``confirmed_at=None`` for one still waiting)."""

    class Meta:
        model = ConsultationSubscription

    consultation = factory.SubFactory(ConsultationFactory)
    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    confirmed_at = factory.LazyFunction(now_utc)


class CharterFactory(BaseFactory):
    """A charter being drafted, with version 1 of two sections (``sections=[(heading, body), …]`` to choose)."""

    class Meta:
        model = Charter

    title = factory.Sequence(lambda n: f"Patient involvement charter {n} {HOSTILE}")
    slug = factory.Sequence(lambda n: f"charter-{n}")
    purpose = f"How we involve patients. {HOSTILE}"
    stage = CharterStage.drafting

    @factory.post_generation
    def sections(self, create, pairs, **kwargs):
        pairs = pairs or [
            ("Our promise", f"We will **listen** to patients. {HOSTILE} [link](javascript:alert(1))"),
            ("How to take part", "Join a patient panel, answer a survey or come to an event."),
        ]
        version = CharterVersion(charter=self, number=1, summary="First draft", created_at=now_utc())
        for position, (heading, body) in enumerate(pairs, start=1):
            version.sections.append(
                CharterVersionSection(
                    key=f"s{position}k{self.slug}"[:32], position=position, heading=heading, body=body
                )
            )
        if create:
            db.session.add(version)
            db.session.flush()


class CharterCommentFactory(BaseFactory):
    """A staff-visible (approved) comment on the first section of the charter's latest version."""

    class Meta:
        model = CharterComment

    charter = factory.SubFactory(CharterFactory)
    version = factory.LazyAttribute(lambda o: o.charter.latest)
    section_key = factory.LazyAttribute(lambda o: o.charter.latest.sections[0].key)
    body = f"A comment {HOSTILE}"
    resident_name = ""
    moderation = Moderation.approved
    created_at = factory.LazyFunction(now_utc)
