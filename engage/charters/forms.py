"""Charter forms: details, the sections editor (carrying the version it started from), comments,
residents' comments, opening for comment with a London closing time, approval and comparing versions."""

import re

from wtforms import BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from engage.consultations.forms import LondonDateTimeMixin, _date, _time
from engage.forms import EngageForm, choices, strip_whitespace
from engage.reference.queries import place_choices
from engage.stakeholders.forms import IdSelectMultipleField
from engage.validators import EmailAddress, as_id, is_digits

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Slugs that would clash with the charter pages' own addresses.
RESERVED_SLUGS = {"manage", "new"}
COMMENT_MAX = 5000
BODY_MAX = 50_000
MAX_SECTIONS = 100


class LengthWithCount:
    """Like Length(max=...), but the message says how long the text is, so people know how much to cut."""

    def __init__(self, maximum, what):
        self.maximum = maximum
        self.what = what
        self.field_flags = {"maxlength": maximum}

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.maximum:
            raise ValidationError(
                f"{self.what} must be {self.maximum:,} characters or fewer: it has {length:,}. Shorten it and try again"
            )


def _comment_field(label="Comment", what="Your comment", required="Enter your comment"):
    return TextAreaField(
        label, filters=[strip_whitespace], validators=[DataRequired(required), LengthWithCount(COMMENT_MAX, what)]
    )


class CharterForm(EngageForm):
    """A charter's details; a new charter also takes its first section."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a title"), Length(max=200, message="Keep the title to 200 characters")],
    )
    slug = StringField(
        "Web address",
        description="The end of the public page address: lower-case letters, numbers and hyphens, like "
        "west-kent-patient-involvement",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a web address"),
            Length(max=100, message="Keep the web address to 100 characters"),
        ],
    )
    purpose = TextAreaField(
        "Purpose",
        description="What the charter is for, in a sentence or two",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the purpose of the charter"),
            Length(max=2000, message="Keep the purpose to 2,000 characters"),
        ],
    )
    owner_id = SelectField("Owner", coerce=int, description="The member of staff responsible for the charter")
    places = IdSelectMultipleField("Places it covers")
    heading = StringField(
        "Heading of the first section",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a heading for the first section"),
            Length(max=200, message="Keep the heading to 200 characters"),
        ],
    )
    body = TextAreaField(
        "Text of the first section",
        description="You can use Markdown: **bold**, lists with -, links",
        filters=[strip_whitespace],
        validators=[Optional(), LengthWithCount(BODY_MAX, "The section text")],
    )

    def __init__(self, *args, owners=(), slug_taken=None, new=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug_taken = slug_taken or (lambda slug: False)
        self.owner_id.choices = choices((u.id, f"{u.name} ({u.role_label})") for u in owners)
        self.places.choices = choices((pid, label) for pid, label, _k in place_choices(include_all=True))
        if not new:
            del self.heading
            del self.body
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.places.data = [p.id for p in obj.places]

    def validate_owner_id(self, field):
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError("Choose the owner from the list")

    def validate_slug(self, field):
        if not SLUG_RE.match(field.data or ""):
            raise ValidationError("Use only lower-case letters, numbers and single hyphens, like west-kent-charter")
        if field.data in RESERVED_SLUGS:
            raise ValidationError("That web address is used by Engage itself: choose another")
        if self.slug_taken(field.data):
            raise ValidationError("Another charter already uses that web address")

    def values(self):
        """Cleaned values for the charter services."""
        from engage.extensions import db
        from engage.reference.models import Place

        values = {
            "title": self.title.data,
            "slug": self.slug.data,
            "purpose": self.purpose.data,
            "owner_id": self.owner_id.data,
            "places": [db.session.get(Place, i) for i in self.places.data or []],
        }
        if getattr(self, "heading", None) is not None:
            values.update(heading=self.heading.data, body=self.body.data or "")
        return values


class _ListMeta:
    """Bind fields as EngageForm does, except lists and sub-forms, which WTForms lets carry no filters
    (their own fields get the NUL filter)."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, (FieldList, FormField)):
            return unbound_field.bind(form=form, **options)
        return EngageForm.Meta.bind_field(self, form, unbound_field, options)


class SectionForm(EngageForm):
    """One section in the editor. ``key`` is empty for a new section."""

    class Meta:
        csrf = False

    key = HiddenField(filters=[strip_whitespace])
    heading = StringField(
        "Heading",
        filters=[strip_whitespace],
        validators=[Length(max=200, message="Keep each section heading to 200 characters")],
    )
    body = TextAreaField(
        "Text",
        description="You can use Markdown: **bold**, lists with -, links",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[LengthWithCount(BODY_MAX, "The section text")],
    )
    position = StringField(
        "Position", filters=[strip_whitespace], validators=[Length(max=4, message="Enter a position like 3")]
    )
    remove = BooleanField("Remove this section")

    @property
    def is_blank_new(self):
        return not self.key.data and not self.heading.data and not self.body.data


class EditSectionsForm(EngageForm):
    """Edit every section at once. ``base_version`` is the version the editor started from."""

    class Meta(_ListMeta):
        pass

    base_version = HiddenField()
    sections = FieldList(FormField(SectionForm), min_entries=0, max_entries=MAX_SECTIONS + 1)
    summary = StringField(
        "What did you change?",
        description="A short summary for the version history, like 'Added a section on feedback'",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Say briefly what you changed"),
            Length(max=300, message="Keep the summary to 300 characters"),
        ],
    )

    def __init__(self, *args, known_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known_keys = set(known_keys)

    def fill(self, version):
        """Fill the editor from ``version``, with one empty slot for a new section."""
        self.base_version.data = str(version.number)
        while len(self.sections):
            self.sections.pop_entry()
        for section in version.sections:
            self.sections.append_entry(
                {
                    "key": section.key,
                    "heading": section.heading,
                    "body": section.body,
                    "position": str(section.position),
                }
            )
        self.sections.append_entry({"position": str(len(version.sections) + 1)})

    @property
    def base_number(self):
        try:
            return int(self.base_version.data)
        except (TypeError, ValueError):
            return None

    def validate_base_version(self, field):
        if self.base_number is None:
            raise ValidationError("The form did not say which version you were editing: reload the page and try again")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        seen = set()
        kept = 0
        for number, entry in enumerate(self.sections, start=1):
            section = entry.form
            key = section.key.data or ""
            if key:
                if key not in self.known_keys or key in seen:
                    section.heading.errors.append(f"Section {number} is not part of this charter: reload the page")
                    valid = False
                seen.add(key)
            if section.remove.data or section.is_blank_new:
                continue
            kept += 1
            if not section.heading.data:
                section.heading.errors.append(f"Enter a heading for section {number}")
                valid = False
            if section.position.data and not is_digits(section.position.data):
                section.position.errors.append(f"Enter the position of section {number} as a whole number, like 3")
                valid = False
        if kept == 0 and valid:
            self.summary.errors.append("A charter needs at least one section: keep or add one")
            valid = False
        if kept > MAX_SECTIONS:
            self.summary.errors.append(f"A charter can have up to {MAX_SECTIONS} sections")
            valid = False
        # WTForms caches errors when it validates; refresh them so the ones added here show.
        for entry in self.sections:
            entry.form._errors = None
        self.sections.errors = [entry.errors for entry in self.sections if entry.errors]
        self._errors = None
        return valid

    def cleaned_sections(self):
        """The sections to save, in order: by position, ties keeping the order on the page."""
        rows = []
        for index, entry in enumerate(self.sections):
            section = entry.form
            if section.remove.data or section.is_blank_new:
                continue
            position = int(section.position.data) if section.position.data else index + 1
            rows.append(
                (
                    position,
                    index,
                    {"key": section.key.data or None, "heading": section.heading.data, "body": section.body.data or ""},
                )
            )
        return [row for _p, _i, row in sorted(rows, key=lambda r: (r[0], r[1]))]


class CommentForm(EngageForm):
    """A staff comment on one section of the version on the page."""

    version_number = HiddenField()
    section_key = HiddenField()
    body = _comment_field()

    def validate_version_number(self, field):
        if as_id(field.data or "") is None:
            raise ValidationError("The form did not say which version you were reading: reload the page")


class ReplyForm(EngageForm):
    """A reply to a comment."""

    body = _comment_field("Reply", "Your reply", "Enter your reply")


class ResidentCommentForm(EngageForm):
    """A resident's comment on the draft. ``website`` is a honeypot."""

    version_number = HiddenField()
    section = RadioField("Which part of the charter is your comment about?", validate_choice=False)
    body = _comment_field("Your comment")
    name = StringField(
        "Your name (optional)",
        description="If you give it, we may show it with your comment",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200, message="Your name must be 200 characters or fewer")],
    )
    email = StringField(
        "Email address (optional)",
        description="Only if you would like a reply. We never show it",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=254), EmailAddress()],
    )
    #: Hidden from people (CSS and aria-hidden); bots fill it in. A filled-in comment is not stored.
    website = StringField("Leave this empty", validators=[Optional()])

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = choices((s.key, s.heading) for s in sections)

    def validate_section(self, field):
        if not field.data:
            raise ValidationError("Choose the part of the charter your comment is about")
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(
                "That part of the charter has changed since you opened the page: choose one from the list"
            )

    def validate_version_number(self, field):
        if as_id(field.data or "") is None:
            raise ValidationError("The form did not say which draft you were reading: reload the page")


class OpenForCommentForm(LondonDateTimeMixin, EngageForm):
    """Open the draft for residents' comments until a closing date and time (UK time)."""

    closes_on = _date("Closing date", "Enter the closing date")
    closes_time = _time("Closing time", "Enter the closing time")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.closes_at = self.london_instant("closes")
        return valid and self.closes_at is not None


class ApprovalForm(EngageForm):
    """Record a body's approval of the version awaiting approval."""

    body_name = StringField(
        "Approved on behalf of",
        description="The body that approved it, like West Kent HCP Board",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter the body that approved it"),
            Length(max=200, message="Keep the name to 200 characters"),
        ],
    )
    note = TextAreaField(
        "Note (optional)",
        description="Such as the meeting date and minute reference",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000, message="Keep the note to 2,000 characters")],
    )


class CompareForm(EngageForm):
    """Choose two versions to compare (a GET form: the choice lives in the URL)."""

    class Meta:
        csrf = False

    old = SelectField("Compare version", coerce=int, validate_choice=False)
    new = SelectField("with version", coerce=int, validate_choice=False)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = choices((v.number, f"Version {v.number}") for v in versions)
        self.old.choices = options
        self.new.choices = list(options)
