"""Administrator forms: users, places, topics, and the audit log filter."""

import re

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from engage.accounts.passwords import policy_problems
from engage.accounts.services import find_user_by_email
from engage.audit import AUDIT_ACTIONS
from engage.forms import EngageForm, choices, strip_whitespace
from engage.permissions import ROLE_LABELS, Role
from engage.reference.models import BREAKDOWN_KEYS, PlaceKind
from engage.reference.queries import place_choices, topic_name_taken

ROLE_CHOICES = choices((role.value, ROLE_LABELS[role]) for role in Role)


class UserForm(EngageForm):
    """Create or edit a member of staff. The password is asked for only when creating."""

    name = StringField(
        "Full name", filters=[strip_whitespace], validators=[DataRequired("Enter the person's name"), Length(max=120)]
    )
    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter an email address"),
            Length(max=254),
            Email("Enter an email address in the correct format, like name@example.org", check_deliverability=False),
        ],
    )
    organisation = StringField(
        "Organisation or team",
        description="For example, Healthwatch Kent or West Kent HCP",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=160)],
    )
    role = RadioField("Role", choices=ROLE_CHOICES, validators=[DataRequired("Select a role")])
    password = PasswordField(
        "Initial password",
        description="At least 12 characters. Tell the person to change it when they first sign in.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None:
            del self.password

    def validate_email(self, field):
        existing = find_user_by_email(field.data)
        if existing is not None and existing is not self.user:
            raise ValidationError("A user with this email address already exists")

    def validate_password(self, field):
        if not field.data:
            raise ValidationError("Enter an initial password")
        problems = policy_problems(field.data, email=self.email.data or "", name=self.name.data or "")
        if problems:
            raise ValidationError(problems[0])


#: The outward code of a UK postcode: "ME14", "TN1", "EC1A".
DISTRICT_RE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")


def parse_breakdown(text):
    """Parse lines of ``label: number`` into a dict; raise ValueError with a plain message."""
    result = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, value = line.rpartition(":")
        label = label.strip()
        value = value.strip().replace(",", "")
        # isdecimal, not isdigit: int() refuses digits such as "²" that isdigit accepts.
        if not sep or not label or not value.isdecimal():
            raise ValueError(f"Line {number} must look like 'label: number', for example '65-74: 52000'")
        if label in result:
            raise ValueError(f"'{label}' appears more than once")
        if len(label) > 80:
            raise ValueError(f"Line {number} has a label longer than 80 characters")
        result[label] = int(value)
    return result


def format_breakdown(mapping):
    """Turn a breakdown dict back into ``label: number`` lines for editing."""
    return "\n".join(f"{label}: {value}" for label, value in (mapping or {}).items())


class PlaceForm(EngageForm):
    """A place in the tree, with its population and optional breakdowns."""

    name = StringField("Name", filters=[strip_whitespace], validators=[DataRequired("Enter a name"), Length(max=160)])
    kind = RadioField(
        "Level",
        choices=choices((k.value, k.label) for k in PlaceKind),
        validators=[DataRequired("Select whether this is a system, place or neighbourhood")],
    )
    parent_id = SelectField("Sits within", coerce=int, validate_choice=False)
    code = StringField(
        "Code (optional)",
        description="ONS or NHS code, for example E54000032",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=20)],
    )
    population = IntegerField(
        "Population (optional)",
        invalid_value_message="Enter a whole number, like 25",
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000_000, message="Enter a population between 0 and 100,000,000"),
        ],
    )
    age = TextAreaField("Population by age band (optional)", description="One band a line, like '65-74: 52000'")
    sex = TextAreaField("Population by sex (optional)", description="One line each, like 'Female: 250000'")
    ethnicity = TextAreaField(
        "Population by ethnic group (optional)", description="One group a line, like 'White: 420000'"
    )
    postcode_districts = StringField(
        "Postcode districts (optional)",
        description="The first half of each postcode in this place, separated by spaces, like 'ME14 ME15 TN9'. "
        "Used to match respondents to places in analysis.",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000)],
    )
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, place=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = place
        self.parent_options = {pid: kind for pid, _label, kind in place_choices(exclude=place)}
        self.parent_id.choices = choices(
            [(0, "Nothing (this is a system)")] + [(pid, label) for pid, label, _kind in place_choices(exclude=place)]
        )
        self.breakdown = {}
        if place is not None and not self.is_submitted():
            for key in BREAKDOWN_KEYS:
                getattr(self, key).data = format_breakdown(place.breakdown.get(key))

    def validate_parent_id(self, field):
        if not self.kind.data or self.kind.data not in PlaceKind.__members__:
            return
        kind = PlaceKind(self.kind.data)
        if kind.parent_kind is None:
            if field.data:
                raise ValidationError("A system does not sit within anything: choose 'Nothing'")
            return
        if field.data not in self.parent_options:
            raise ValidationError(f"Choose the {kind.parent_kind.label.lower()} this {kind.label.lower()} sits within")
        if self.parent_options[field.data] != kind.parent_kind:
            raise ValidationError(f"A {kind.label.lower()} must sit within a {kind.parent_kind.label.lower()}")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for key in BREAKDOWN_KEYS:
            field = getattr(self, key)
            try:
                parsed = parse_breakdown(field.data)
            except ValueError as error:
                field.errors.append(str(error))
                ok = False
                continue
            total = sum(parsed.values())
            if parsed and self.population.data is not None and total > self.population.data:
                field.errors.append(
                    f"These figures add up to {total:,}, more than the population of {self.population.data:,}"
                )
                ok = False
            if parsed:
                self.breakdown[key] = parsed
        districts = (self.postcode_districts.data or "").replace(",", " ").upper().split()
        bad = [d for d in districts if not DISTRICT_RE.fullmatch(d)]
        if bad:
            self.postcode_districts.errors.append(
                f"'{bad[0]}' is not a postcode district: enter the first half of a postcode, like ME14 or TN1"
            )
            ok = False
        self.postcode_districts.data = " ".join(dict.fromkeys(districts))
        if self.place is not None and self.place.children and self.kind.data != self.place.kind.value:
            self.kind.errors.append("This place has places under it, so its level cannot change")
            ok = False
        return ok

    def values(self):
        """Return the cleaned values for the reference services."""
        return {
            "name": self.name.data,
            "kind": PlaceKind(self.kind.data),
            "parent_id": self.parent_id.data or None,
            "code": self.code.data or "",
            "population": self.population.data,
            "breakdown": self.breakdown,
            "description": (self.description.data or "").strip(),
            "postcode_districts": self.postcode_districts.data or "",
        }


class TopicForm(EngageForm):
    """A topic: name, description, archived."""

    name = StringField("Name", filters=[strip_whitespace], validators=[DataRequired("Enter a name"), Length(max=120)])
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=2000)])
    is_archived = BooleanField(
        "Archived", description="Archived topics stay on existing records but are not offered for new ones"
    )

    def __init__(self, *args, topic=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        if topic is None:
            del self.is_archived

    def validate_name(self, field):
        if topic_name_taken(field.data or "", exclude_id=getattr(self.topic, "id", None)):
            raise ValidationError("A topic with this name already exists")


class AuditFilterForm(EngageForm):
    """Filters for the audit log (a GET form: no CSRF needed, nothing changes)."""

    class Meta:
        csrf = False

    # Checked against the list: an id too large for the database would otherwise be a 500.
    actor = SelectField("Who", coerce=int, validators=[Optional()])
    action = SelectField("Action", validators=[Optional()], validate_choice=False)
    object_type = SelectField("Object", validators=[Optional()], validate_choice=False)
    date_from = DateField(
        "From", invalid_value_message="Enter a real date, for example 2026-10-01", validators=[Optional()]
    )
    date_to = DateField(
        "To", invalid_value_message="Enter a real date, for example 2026-10-01", validators=[Optional()]
    )

    def __init__(self, *args, users, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor.choices = choices([(0, "Anyone")] + [(u.id, f"{u.name} ({u.email})") for u in users])
        self.action.choices = choices([("", "Any action")] + [(a, a.replace("_", " ")) for a in AUDIT_ACTIONS])
        self.object_type.choices = choices([("", "Anything")] + [(t, t.replace("_", " ")) for t in object_types])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")
