"""Forms for organisations, people, consent, memberships, merges, programme groups and filters."""

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from engage.dates import now_utc, to_london
from engage.forms import EngageForm, choices, strip_whitespace
from engage.reference.queries import active_topics, place_choices
from engage.stakeholders import queries
from engage.stakeholders.models import (
    COMMUNICATION_NEEDS,
    ORGANISATION_KIND_LABELS,
    QUADRANT_LABELS,
    Channel,
    ConsentAction,
    LawfulBasis,
    Organisation,
    Person,
)
from engage.validators import EmailAddress, UKPhone, UKPostcode, as_id, is_digits

SCORE_LABELS = {
    1: "1 (very low)",
    2: "2 (low)",
    3: "3 (medium)",
    4: "4 (high)",
    5: "5 (very high)",
}
_BAD_SCORE = -1


def _score(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return _BAD_SCORE


class ScoreField(RadioField):
    """An optional 1-5 score drawn as radios, with 'Not assessed yet'."""

    def __init__(self, label, **kwargs):
        items = [("", "Not assessed yet")] + [(str(k), v) for k, v in SCORE_LABELS.items()]
        super().__init__(label, choices=choices(items), coerce=_score, validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and self.data not in SCORE_LABELS:
            raise ValidationError(f"{self.label.text} must be a whole number from 1 to 5")

    def iter_choices(self):
        # Compare as text so "Not assessed yet" is checked when the score is empty.
        current = "" if self.data is None else str(self.data)
        for choice in super().iter_choices():
            yield choice._replace(selected=choice.value == current)


class IdSelectMultipleField(SelectMultipleField):
    """Checkboxes of ids; unknown ids are refused with a plain message."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = []
            self.process_errors.append(f"Choose {self.label.text.lower()} from the list")

    def pre_validate(self, form):
        known = {c.value for c in self.choices}
        if any(v not in known for v in self.data or []):
            raise ValidationError(f"Choose {self.label.text.lower()} from the list")


def resolve_stakeholder(model, text):
    """Find one organisation or person from "#123" or an exact name; return (object, error message)."""
    from engage.extensions import db

    text = (text or "").strip()
    noun = "organisation" if model is Organisation else "person"
    if text.startswith("#") and is_digits(text[1:]):
        found = db.session.get(model, as_id(text[1:])) if as_id(text[1:]) else None
        return (found, None) if found else (None, f"There is no {noun} with the number {text}")
    if model is Organisation:
        matches = queries.find_organisations_by_name(text)
    else:
        from sqlalchemy import func, select

        matches = db.session.scalars(select(Person).where(func.lower(Person.name) == text.lower()).limit(10)).all()
    if not matches:
        return None, f"No {noun} is called '{text}'. Check the spelling, or give its number, like #42"
    if len(matches) > 1:
        numbers = ", ".join(f"#{m.id}" for m in matches)
        return None, f"More than one {noun} is called '{text}' ({numbers}). Give the number of the one you mean"
    return matches[0], None


class _StakeholderFields(EngageForm):
    places = IdSelectMultipleField("Places covered")
    topics = IdSelectMultipleField("Topics")
    groups = IdSelectMultipleField("Seldom-heard groups represented")
    influence = ScoreField("Influence", description="How much can they affect decisions?")
    interest = ScoreField("Interest", description="How much do the decisions affect or concern them?")
    owner_id = SelectField("Relationship owner", coerce=int, validate_choice=False)
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.places.choices = choices((pid, label) for pid, label, _kind in place_choices(include_all=True))
        self.topics.choices = choices((t.id, t.name) for t in active_topics())
        self.groups.choices = choices((g.id, g.name) for g in queries.seldom_heard_groups())
        self.owners = queries.relationship_owners()
        self.owner_id.choices = choices([(0, "No one yet")] + [(u.id, u.name) for u in self.owners])
        if obj is not None and not self.is_submitted():
            self.places.data = [p.id for p in obj.places]
            self.topics.data = [t.id for t in obj.topics]
            self.groups.data = [g.id for g in obj.groups]
            self.owner_id.data = obj.owner_id or 0

    def validate_owner_id(self, field):
        if field.data and field.data not in {u.id for u in self.owners}:
            raise ValidationError("Choose a relationship owner from the list")

    def link_values(self):
        """Return the places, topics and groups chosen, as objects."""
        from engage.extensions import db
        from engage.reference.models import Place, Topic
        from engage.stakeholders.models import SeldomHeardGroup

        def load(model, ids):
            return [db.session.get(model, i) for i in ids or []]

        return {
            "places": load(Place, self.places.data),
            "topics": load(Topic, self.topics.data),
            "groups": load(SeldomHeardGroup, self.groups.data),
            "influence": self.influence.data,
            "interest": self.interest.data,
            "owner_id": self.owner_id.data or None,
            "notes": (self.notes.data or "").strip(),
        }


class OrganisationForm(_StakeholderFields):
    """Create or edit an organisation."""

    name = StringField(
        "Name", filters=[strip_whitespace], validators=[DataRequired("Enter the organisation's name"), Length(max=200)]
    )
    kind = SelectField(
        "Type",
        choices=choices([("", "Choose a type")] + [(k.value, v) for k, v in ORGANISATION_KIND_LABELS.items()]),
        validators=[DataRequired("Choose the type of organisation")],
        # validate_kind says what is wrong in plain words, rather than WTForms' "Not a valid choice".
        validate_choice=False,
    )
    parent = StringField(
        "Part of (optional)",
        description="The organisation this one belongs to, for example the primary care network of a GP practice. "
        "Type its name exactly, or its number like #42.",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200)],
    )
    website = URLField("Website (optional)", filters=[strip_whitespace], validators=[Optional(), Length(max=300)])
    address = TextAreaField("Address (optional)", validators=[Optional(), Length(max=1000)])
    postcode = StringField("Postcode (optional)", filters=[strip_whitespace], validators=[Optional(), UKPostcode()])
    field_order = ("name", "kind", "parent", "website", "address", "postcode")

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.organisation = obj
        self.parent_organisation = None
        if obj is not None and not self.is_submitted():
            self.parent.data = f"#{obj.parent.id}" if obj.parent else ""

    def validate_kind(self, field):
        if field.data not in ORGANISATION_KIND_LABELS:
            raise ValidationError("Choose the type of organisation from the list")

    def validate_parent(self, field):
        if not field.data:
            return
        found, error = resolve_stakeholder(Organisation, field.data)
        if error:
            raise ValidationError(error)
        if self.organisation is not None and found.id == self.organisation.id:
            raise ValidationError("An organisation cannot be part of itself")
        self.parent_organisation = found

    def validate_website(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a website address starting with https://")

    def values(self):
        """Return cleaned values for the services."""
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "parent_id": self.parent_organisation.id if self.parent_organisation else None,
            "website": self.website.data or "",
            "address": (self.address.data or "").strip(),
            "postcode": self.postcode.data or "",
            **self.link_values(),
        }


class PersonForm(_StakeholderFields):
    """Create or edit a person."""

    name = StringField(
        "Full name", filters=[strip_whitespace], validators=[DataRequired("Enter the person's name"), Length(max=160)]
    )
    job_title = StringField(
        "Role or job title (optional)", filters=[strip_whitespace], validators=[Optional(), Length(max=160)]
    )
    email = StringField(
        "Email address (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=254), EmailAddress()],
    )
    phone = StringField(
        "Phone (optional)", filters=[strip_whitespace], validators=[Optional(), Length(max=40), UKPhone()]
    )
    postcode = StringField("Postcode (optional)", filters=[strip_whitespace], validators=[Optional(), UKPostcode()])
    preferred_channel = RadioField(
        "Preferred way to be contacted",
        choices=choices([("", "No preference recorded")] + [(c.value, c.label) for c in Channel]),
        validators=[Optional()],
        validate_choice=False,
    )
    communication_needs = SelectMultipleField(
        "Communication needs (Accessible Information Standard)",
        choices=choices(COMMUNICATION_NEEDS.items()),
        description="Ask, record, flag, share and act: anyone contacting this person will see these",
    )
    # No Optional(): on an empty field it stops the chain before validate_interpreter_language runs.
    interpreter_language = StringField(
        "Interpreter language (optional)", filters=[strip_whitespace], validators=[Length(max=80)]
    )
    communication_notes = TextAreaField(
        "Other communication needs (optional)", validators=[Optional(), Length(max=2000)]
    )

    def validate_preferred_channel(self, field):
        if field.data and field.data not in Channel.__members__:
            raise ValidationError("Choose a way to be contacted from the list")

    def validate_communication_needs(self, field):
        if any(v not in COMMUNICATION_NEEDS for v in field.data or []):
            raise ValidationError("Choose communication needs from the list")

    def validate_interpreter_language(self, field):
        if "interpreter" in (self.communication_needs.data or []) and not field.data:
            raise ValidationError("Enter the language the person needs an interpreter for")

    def values(self):
        """Return cleaned values for the services."""
        return {
            "name": self.name.data,
            "job_title": self.job_title.data or "",
            "email": self.email.data or "",
            "phone": self.phone.data or "",
            "postcode": self.postcode.data or "",
            "preferred_channel": Channel(self.preferred_channel.data) if self.preferred_channel.data else None,
            "communication_needs": sorted(set(self.communication_needs.data or [])),
            "interpreter_language": self.interpreter_language.data or "",
            "communication_notes": (self.communication_notes.data or "").strip(),
            **self.link_values(),
        }


class ConsentForm(EngageForm):
    """Record that a person gave or withdrew consent to be contacted."""

    action = RadioField(
        "What happened",
        choices=choices(
            [
                (ConsentAction.given.value, "They agreed to be contacted"),
                (ConsentAction.withdrawn.value, "They withdrew their agreement"),
            ]
        ),
        validators=[DataRequired("Choose whether consent was given or withdrawn")],
    )
    lawful_basis = RadioField(
        "Lawful basis",
        choices=choices((b.value, b.label) for b in LawfulBasis),
        # No Optional(): it would stop the chain before validate_lawful_basis, so consent given
        # with no lawful basis was accepted. validate_lawful_basis also checks the choice.
        validate_choice=False,
    )
    effective_on = DateField(
        "Date",
        invalid_value_message="Enter a real date, for example 2026-10-01",
        validators=[InputRequired("Enter the date they told us")],
        description="When they told us",
    )
    source = StringField(
        "How we know",
        description="For example: signed form at the Maidstone drop-in, or their email of 3 May",
        filters=[strip_whitespace],
        validators=[DataRequired("Say how we know"), Length(max=300)],
    )

    def validate_lawful_basis(self, field):
        if self.action.data == ConsentAction.given.value and not field.data:
            raise ValidationError("Choose the lawful basis for contacting them")
        if field.data and field.data not in LawfulBasis.__members__:
            raise ValidationError("Choose a lawful basis from the list")

    def validate_effective_on(self, field):
        if field.data and field.data > to_london(now_utc()).date():
            raise ValidationError("The date cannot be in the future")


class MembershipForm(EngageForm):
    """Add a person to an organisation."""

    organisation = StringField(
        "Organisation",
        description="Type its name exactly as on the map, or its number like #42",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the organisation"), Length(max=200)],
    )
    role = StringField(
        "Their role there (optional)", filters=[strip_whitespace], validators=[Optional(), Length(max=160)]
    )

    def validate_organisation(self, field):
        self.found, error = resolve_stakeholder(Organisation, field.data)
        if error:
            raise ValidationError(error)


class MergeForm(EngageForm):
    """Confirm a merge shown side by side."""

    confirm = BooleanField(
        "I have checked these are the same, and the duplicate can be removed",
        validators=[DataRequired("Confirm that these are the same before merging")],
    )


class FindDuplicateForm(EngageForm):
    """Say which record is the duplicate (a GET form)."""

    class Meta:
        csrf = False

    other = StringField("The duplicate", filters=[strip_whitespace], validators=[Optional(), Length(max=200)])


class ProgrammeGroupForm(EngageForm):
    """A board or programme group."""

    name = StringField(
        "Name", filters=[strip_whitespace], validators=[DataRequired("Enter the group's name"), Length(max=200)]
    )
    purpose = TextAreaField("Purpose (optional)", validators=[Optional(), Length(max=2000)])
    place_id = SelectField("Place", coerce=int, validate_choice=False)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, obj=group, **kwargs)
        self.group = group
        places = [(pid, label) for pid, label, _kind in place_choices(include_all=True)]
        self.place_ids = [pid for pid, _label in places]
        self.place_id.choices = choices([(0, "Not tied to one place"), *places])
        if group is not None and not self.is_submitted():
            self.place_id.data = group.place_id or 0

    def validate_place_id(self, field):
        if field.data and field.data not in self.place_ids:
            raise ValidationError("Choose a place from the list")

    def validate_name(self, field):
        from sqlalchemy import func, select

        from engage.extensions import db
        from engage.stakeholders.models import ProgrammeGroup

        query = select(ProgrammeGroup.id).where(func.lower(ProgrammeGroup.name) == (field.data or "").lower())
        if self.group is not None:
            query = query.where(ProgrammeGroup.id != self.group.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("A group with this name already exists")


class GroupMemberForm(EngageForm):
    """Seat a person from the map on a group."""

    person = StringField(
        "Person",
        description="Type their name exactly as on the map, or their number like #42",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the person"), Length(max=160)],
    )
    is_resident_representative = BooleanField("Sits as a patient or resident representative")

    def validate_person(self, field):
        self.found, error = resolve_stakeholder(Person, field.data)
        if error:
            raise ValidationError(error)


class SeldomHeardGroupForm(EngageForm):
    """A seldom-heard group in the configurable list."""

    name = StringField("Name", filters=[strip_whitespace], validators=[DataRequired("Enter a name"), Length(max=120)])
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=2000)])
    is_archived = BooleanField(
        "Archived", description="Archived groups stay on records but are not offered for new ones"
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, obj=group, **kwargs)
        self.group = group
        if group is None:
            del self.is_archived

    def validate_name(self, field):
        from sqlalchemy import func, select

        from engage.extensions import db
        from engage.stakeholders.models import SeldomHeardGroup

        query = select(SeldomHeardGroup.id).where(func.lower(SeldomHeardGroup.name) == (field.data or "").lower())
        if self.group is not None:
            query = query.where(SeldomHeardGroup.id != self.group.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("A group with this name already exists")


class StakeholderFilterForm(EngageForm):
    """Search and filters for the lists and the grid (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField("Search", filters=[strip_whitespace], validators=[Optional(), Length(max=200)])
    kind = SelectField("Type", validate_choice=False)
    place = SelectField("Place", coerce=int, validate_choice=False)
    topic = SelectField("Topic", coerce=int, validate_choice=False)
    group = SelectField("Seldom-heard group", coerce=int, validate_choice=False)
    quadrant = SelectField("Quadrant", validate_choice=False)
    influence = SelectField("Influence", validate_choice=False)
    interest = SelectField("Interest", validate_choice=False)
    sort = SelectField(
        "Sort by",
        choices=choices([("name", "Name"), ("updated", "Recently changed"), ("influence", "Influence")]),
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(
            [("", "Any type")] + list((k.value, v) for k, v in ORGANISATION_KIND_LABELS.items())
        )
        self.place.choices = choices(
            [(0, "Anywhere")] + [(pid, label) for pid, label, _kind in place_choices(include_all=True)]
        )
        self.topic.choices = choices([(0, "Any topic")] + [(t.id, t.name) for t in active_topics()])
        self.group.choices = choices([(0, "Any group")] + [(g.id, g.name) for g in queries.seldom_heard_groups()])
        self.quadrant.choices = choices([("", "Any quadrant")] + [(q.value, v) for q, v in QUADRANT_LABELS.items()])
        scores = [("", "Any")] + [(str(k), str(k)) for k in SCORE_LABELS]
        self.influence.choices = choices(scores)
        self.interest.choices = choices(scores)

    def _int(self, field):
        try:
            return int(field.data or 0) or None
        except (TypeError, ValueError):
            return None

    def _score(self, field):
        value = self._int(field)
        return value if value in SCORE_LABELS else None

    def to_filter(self):
        """Return the StakeholderFilter the officer asked for, ignoring values that are not on offer."""
        kinds = {c.value for c in self.kind.choices}
        quadrants = {c.value for c in self.quadrant.choices}
        return queries.StakeholderFilter(
            q=self.q.data or "",
            kind=self.kind.data if self.kind.data in kinds else "",
            place_id=self._int(self.place),
            topic_id=self._int(self.topic),
            group_id=self._int(self.group),
            quadrant=self.quadrant.data if self.quadrant.data in quadrants else "",
            influence=self._score(self.influence),
            interest=self._score(self.interest),
            sort=self.sort.data if self.sort.data in ("name", "updated", "influence") else "name",
        )


class ImportUploadForm(EngageForm):
    """Upload a CSV or XLSX of organisations or people."""

    kind = RadioField(
        "What does the file list?",
        choices=choices([("organisations", "Organisations"), ("people", "People")]),
        validators=[DataRequired("Choose whether the file lists organisations or people")],
    )
    file = FileField(
        "File",
        description="A CSV (saved as CSV UTF-8) or an Excel .xlsx file, smaller than 5 MB, "
        "with column names in the first row",
        validators=[FileRequired("Choose a CSV or Excel file to upload")],
    )


def mapping_form(kind, headers, mapping, formdata=None):
    """Build a form with one select per target field, offering the file's columns."""
    from engage.stakeholders.importers import FIELDS, REQUIRED

    class MappingForm(EngageForm):
        pass

    options = choices([("", "Not in this file")] + [(str(i), h or f"Column {i + 1}") for i, h in enumerate(headers)])
    for key, (label, _names) in FIELDS[kind].items():
        validators = [DataRequired(f"Choose the column that holds the {label.lower()}")] if key in REQUIRED else []
        setattr(MappingForm, f"map_{key}", SelectField(label, choices=options, validators=validators))
    form = MappingForm(formdata=formdata)
    if formdata is None:
        for key in FIELDS[kind]:
            index = mapping.get(key)
            getattr(form, f"map_{key}").data = "" if index is None else str(index)
    return form


def read_mapping(form, kind, headers):
    """Return target field -> column index from a validated mapping form."""
    from engage.stakeholders.importers import FIELDS

    mapping = {}
    for key in FIELDS[kind]:
        value = getattr(form, f"map_{key}").data
        mapping[key] = int(value) if is_digits(value) and len(value) < 6 and int(value) < len(headers) else None
    return mapping


class CoverageForm(StakeholderFilterForm):
    """The gaps list: who has not been engaged in N days (a GET form)."""

    what = SelectField(
        "Show", choices=choices([("organisations", "Organisations"), ("people", "People")]), validate_choice=False
    )
    days = IntegerField(
        "Not engaged in the last (days)",
        invalid_value_message="Enter a whole number, like 25",
        default=90,
        validators=[Optional(), NumberRange(min=1, max=3650, message="Enter a number of days from 1 to 3650")],
    )

    def days_or_default(self):
        """The number of days asked for, or 90 when the box is empty or wrong."""
        return self.days.data if not self.days.errors and self.days.data else 90

    def model(self):
        """Organisation or Person, as asked."""
        return Person if self.what.data == "people" else Organisation
