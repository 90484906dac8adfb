"""Marshmallow schemas of the API: what goes in (checked, then validated by the page's own forms) and out."""

import marshmallow as ma
from marshmallow import fields, validate

from engage.api.core import MAX_ID, PageArgs, page_schema
from engage.consultations.models import ConsultationStatus
from engage.records.models import RecordKind, Sensitivity
from engage.responses.models import ResponseChannel
from engage.stakeholders.models import COMMUNICATION_NEEDS, Channel, OrganisationKind, Quadrant

_SCORE = validate.Range(min=1, max=5)
#: Ids are PostgreSQL integers: anything outside is refused here (422), never sent to the database.
_ID_RANGE = validate.Range(min=1, max=MAX_ID)


def _id(**kwargs):
    return fields.Integer(validate=_ID_RANGE, **kwargs)


def _ids(description):
    return fields.List(fields.Integer(validate=_ID_RANGE), metadata={"description": description})


class Named(ma.Schema):
    """A place, topic, organisation or group, by id and name."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


# -- stakeholders ---------------------------------------------------------------------------------


class StakeholderListArgs(PageArgs):
    """The filters of the organisations and people lists (the same as on their pages)."""

    q = fields.String(
        validate=validate.Length(max=200), metadata={"description": "Words in the name, email, role or postcode"}
    )
    kind = fields.String(
        validate=validate.OneOf([k.value for k in OrganisationKind]),
        metadata={"description": "Organisation type (people: belonging to an organisation of that type)"},
    )
    place = _id(metadata={"description": "Place id: that place and everything inside it"})
    topic = _id(metadata={"description": "Topic id"})
    group = _id(metadata={"description": "Seldom-heard group id"})
    quadrant = fields.String(validate=validate.OneOf([q.value for q in Quadrant]))
    influence = fields.Integer(validate=_SCORE)
    interest = fields.Integer(validate=_SCORE)


class _StakeholderOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    postcode = fields.String(required=True)
    notes = fields.String(required=True)
    influence = fields.Integer(allow_none=True, required=True)
    interest = fields.Integer(allow_none=True, required=True)
    owner_id = fields.Integer(allow_none=True, required=True)
    places = fields.List(fields.Nested(Named), required=True)
    topics = fields.List(fields.Nested(Named), required=True)
    groups = fields.List(fields.Nested(Named), required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class OrganisationSchema(_StakeholderOut):
    """An organisation on the stakeholder map."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in OrganisationKind]))
    parent_id = fields.Integer(allow_none=True, required=True)
    website = fields.String(required=True)
    address = fields.String(required=True)


class MembershipOut(ma.Schema):
    organisation = fields.Nested(Named, required=True)
    role = fields.String(required=True)


class PersonSchema(_StakeholderOut):
    """A person on the stakeholder map."""

    job_title = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)
    preferred_channel = fields.String(allow_none=True, required=True)
    communication_needs = fields.List(fields.String(), required=True)
    interpreter_language = fields.String(required=True)
    communication_notes = fields.String(required=True)
    is_contactable = fields.Boolean(required=True)
    memberships = fields.List(fields.Nested(MembershipOut), required=True)


class _StakeholderIn(ma.Schema):
    """Fields both kinds of stakeholder take. The page's form then checks them with its own rules."""

    notes = fields.String(validate=validate.Length(max=5000))
    influence = fields.Integer(allow_none=True, validate=_SCORE)
    interest = fields.Integer(allow_none=True, validate=_SCORE)
    owner_id = _id(allow_none=True, metadata={"description": "The user who owns the relationship"})
    places = _ids("Place ids")
    topics = _ids("Topic ids")
    groups = _ids("Seldom-heard group ids")


class OrganisationIn(_StakeholderIn):
    """A new organisation, or (PATCH) the fields to change."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in OrganisationKind]))
    parent_id = _id(allow_none=True, metadata={"description": "The organisation this one is part of"})
    website = fields.String(validate=validate.Length(max=300))
    address = fields.String(validate=validate.Length(max=1000))
    postcode = fields.String(validate=validate.Length(max=10))


class PersonIn(_StakeholderIn):
    """A new person, or (PATCH) the fields to change."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    job_title = fields.String(validate=validate.Length(max=160))
    email = fields.String(validate=validate.Length(max=254))
    phone = fields.String(validate=validate.Length(max=40))
    postcode = fields.String(validate=validate.Length(max=10))
    preferred_channel = fields.String(allow_none=True, validate=validate.OneOf([c.value for c in Channel]))
    communication_needs = fields.List(fields.String(validate=validate.OneOf(list(COMMUNICATION_NEEDS))))
    interpreter_language = fields.String(validate=validate.Length(max=80))
    communication_notes = fields.String(validate=validate.Length(max=2000))


# -- records --------------------------------------------------------------------------------------


class RecordListArgs(PageArgs):
    """The search and filters of the records page, by the same names."""

    q = fields.String(
        validate=validate.Length(max=1000),
        metadata={"description": "Search words, as on the search page: best matches first, up to 1,000"},
    )
    kind = fields.String(validate=validate.OneOf([k.value for k in RecordKind]))
    place = _id(metadata={"description": "Place id: that place and everything inside it"})
    topic = _id(metadata={"description": "Topic id"})
    organisation = _id(metadata={"description": "Organisation id: records it took part in"})
    sensitivity = fields.String(validate=validate.OneOf([s.value for s in Sensitivity]))
    date_from = fields.Date(metadata={"description": "Happened on or after (YYYY-MM-DD)"})
    date_to = fields.Date(metadata={"description": "Happened on or before (YYYY-MM-DD)"})


class RecordSchema(ma.Schema):
    """An engagement record, as the reader may see it (identifying passages removed for partners)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RecordKind]))
    happened_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True, required=True)
    sensitivity = fields.String(required=True, validate=validate.OneOf([s.value for s in Sensitivity]))
    residents_reached = fields.Integer(required=True)
    what_we_heard = fields.String(required=True, metadata={"description": "Markdown"})
    outcomes = fields.String(required=True, metadata={"description": "Markdown"})
    quotes = fields.List(fields.String(), required=True)
    places = fields.List(fields.Nested(Named), required=True)
    topics = fields.List(fields.Nested(Named), required=True)
    organisations = fields.List(fields.Nested(Named), required=True)
    programme_group_id = fields.Integer(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class RecordIn(ma.Schema):
    """A new engagement record. The records form's rules apply (a date in the past, known ids...)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in RecordKind]))
    happened_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True)
    sensitivity = fields.String(required=True, validate=validate.OneOf([s.value for s in Sensitivity]))
    residents_reached = fields.Integer(validate=validate.Range(min=0, max=1_000_000))
    what_we_heard = fields.String(validate=validate.Length(max=20_000), metadata={"description": "Markdown"})
    outcomes = fields.String(validate=validate.Length(max=20_000), metadata={"description": "Markdown"})
    quotes = fields.List(fields.String(validate=validate.Length(max=5000)), validate=validate.Length(max=100))
    places = _ids("Place ids")
    topics = _ids("Topic ids")
    organisations = _ids("Organisation ids that took part")
    people = _ids("Person ids that took part")
    reviewers = _ids("Reviewer user ids who may read it when restricted")
    programme_group_id = _id(allow_none=True)


# -- themes ---------------------------------------------------------------------------------------


class ThemeSchema(ma.Schema):
    """A theme and how much evidence the reader can see for it."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True)
    description = fields.String(required=True)
    response = fields.String(required=True, metadata={"description": "What was done (Markdown)"})
    published_at = fields.DateTime(allow_none=True, required=True)
    evidence_count = fields.Integer(required=True)


class EvidenceSchema(ma.Schema):
    record_id = fields.Integer(required=True)
    record_title = fields.String(required=True)
    quote = fields.String(allow_none=True, required=True)
    note = fields.String(required=True)


class ThemeDetailSchema(ThemeSchema):
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)


# -- consultations, responses, outcomes ----------------------------------------------------------


class ConsultationSchema(ma.Schema):
    """A consultation, whatever its status (staff)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    slug = fields.String(required=True)
    summary = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in ConsultationStatus]))
    opens_at = fields.DateTime(required=True)
    closes_at = fields.DateTime(required=True)
    outcome = fields.String(required=True)
    outcome_published_at = fields.DateTime(allow_none=True, required=True)
    places = fields.List(fields.Nested(Named), required=True)
    topics = fields.List(fields.Nested(Named), required=True)


class AnswerSchema(ma.Schema):
    question_id = fields.Integer(required=True)
    option_id = fields.Integer(allow_none=True, required=True)
    text = fields.String(required=True)
    number = fields.Integer(allow_none=True, required=True)


class ResponseSchema(ma.Schema):
    """A response to a consultation, without the respondent's name, email or identifying answers."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf([c.value for c in ResponseChannel]))
    respondent_type = fields.String(required=True)
    organisation_name = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    late = fields.Boolean(required=True)
    duplicate = fields.Boolean(required=True)
    analysis_status = fields.String(required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


class OutcomeSchema(ma.Schema):
    """A consultation's published outcome: what was decided and why."""

    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    opens_at = fields.DateTime(required=True)
    closes_at = fields.DateTime(required=True)
    outcome = fields.String(required=True, metadata={"description": "Markdown"})
    outcome_published_at = fields.DateTime(allow_none=True, required=True)


OrganisationPage = page_schema(OrganisationSchema, "OrganisationPage")
PersonPage = page_schema(PersonSchema, "PersonPage")
RecordPage = page_schema(RecordSchema, "RecordPage")
ThemePage = page_schema(ThemeSchema, "ThemePage")
ConsultationPage = page_schema(ConsultationSchema, "ConsultationPage")
ResponsePage = page_schema(ResponseSchema, "ResponsePage")
OutcomePage = page_schema(OutcomeSchema, "OutcomePage")
