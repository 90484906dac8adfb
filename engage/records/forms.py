"""The engagement record form and the list filter."""

import re

from flask import current_app
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, RadioField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from engage.dates import now_utc, to_london
from engage.forms import EngageForm, choices, strip_whitespace
from engage.records.attachments import ALLOWED_TYPES, AttachmentError, check_upload, format_size
from engage.records.models import ActionStatus, FlagReason, RecordKind, Sensitivity
from engage.reference.queries import active_topics, place_choices
from engage.stakeholders.forms import IdSelectMultipleField, resolve_stakeholder
from engage.stakeholders.models import Organisation, Person

MAX_TEXT = 20_000


def _attachment_hint():
    return f"{ALLOWED_TYPES}, up to {format_size(current_app.config['ATTACHMENT_MAX_BYTES'])} each"


def check_files(field):
    """Check every file in a MultipleFileField by content; return CheckedFile objects.

    :raises ValidationError: naming the first file refused and why.
    """
    files = [f for f in field.data or [] if f]
    limit = current_app.config["ATTACHMENTS_PER_UPLOAD"]
    if len(files) > limit:
        raise ValidationError(f"Attach {limit} files or fewer at a time")
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    checked = []
    for upload in files:
        # One byte past the limit is enough to know it is too large, without reading all of it.
        data = upload.stream.read(max_bytes + 1)
        try:
            checked.append(check_upload(upload.filename, data, max_bytes))
        except AttachmentError as error:
            name = " ".join((upload.filename or "file").split())[:100]
            raise ValidationError(f"{name}: {error}") from None
    return checked


def _today():
    return to_london(now_utc()).date()


class RecordForm(EngageForm):
    """Log or edit an engagement record."""

    title = StringField(
        "Title", filters=[strip_whitespace], validators=[DataRequired("Enter a title"), Length(max=200)]
    )
    kind = SelectField(
        "Type of activity",
        choices=choices([("", "Choose a type")] + [(k.value, k.label) for k in RecordKind]),
        validators=[DataRequired("Choose the type of activity")],
    )
    happened_on = DateField(
        "Date",
        invalid_value_message="Enter a real date, for example 2026-10-01",
        validators=[InputRequired("Enter the date it happened")],
    )
    ended_on = DateField(
        "End date (optional)",
        invalid_value_message="Enter a real date, for example 2026-10-01",
        description="Only if it ran over several days",
        validators=[Optional()],
    )
    places = IdSelectMultipleField("Places")
    topics = IdSelectMultipleField("Topics")
    programme_group_id = SelectField("Programme group", coerce=int, validate_choice=False)
    organisations = TextAreaField(
        "Organisations that took part (optional)",
        description="Their names exactly as on the map, or numbers like #42, separated by semicolons",
        validators=[Optional(), Length(max=4000)],
    )
    people = TextAreaField(
        "People from the map who took part (optional)",
        description="Names exactly as on the map, or numbers like #42, separated by semicolons",
        validators=[Optional(), Length(max=4000)],
    )
    residents_reached = IntegerField(
        "Residents who took part",
        invalid_value_message="Enter a whole number, like 25",
        description="A count only: do not record residents' names",
        default=0,
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message="Enter a number from 0 to 1,000,000")],
    )
    what_we_heard = TextAreaField(
        "What we heard",
        description=(
            "Local experience and views. You can use Markdown: **bold**, lists with -, links. "
            "Wrap anything that identifies someone in double square brackets, [[like this]]: "
            "reviewers from partner organisations see it removed."
        ),
        validators=[
            Optional(),
            Length(max=MAX_TEXT, message=f"What we heard must be {MAX_TEXT:,} characters or fewer"),
        ],
    )
    outcomes = TextAreaField(
        "Outcomes (optional)",
        description=(
            "What changed as a result. You can use Markdown. Add actions with owners and dates on the record page."
        ),
        validators=[Optional(), Length(max=MAX_TEXT, message=f"Outcomes must be {MAX_TEXT:,} characters or fewer")],
    )
    quotes = TextAreaField(
        "Quotes from residents (optional)",
        description="Leave a blank line between quotes. Do not include names or anything that identifies someone.",
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    sensitivity = RadioField(
        "Who can see this record",
        choices=choices((s.value, s.label) for s in Sensitivity),
        validators=[DataRequired("Choose who can see this record")],
    )
    reviewers = IdSelectMultipleField(
        "Reviewers who may read it when restricted", description="Officers and the author can always read it"
    )
    attachments = MultipleFileField("Attach files (optional)")

    def __init__(self, *args, obj=None, reviewers=(), groups=(), with_attachments=True, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.checked_files = []
        if with_attachments:
            self.attachments.description = _attachment_hint()
        else:
            # Editing: files are added and removed on the record page instead.
            del self.attachments
        self.places.choices = choices((pid, label) for pid, label, _k in place_choices(include_all=True))
        self.topics.choices = choices((t.id, t.name) for t in active_topics())
        self.programme_group_id.choices = choices([(0, "None")] + [(g.id, g.name) for g in groups])
        self.group_ids = {g.id for g in groups}
        self.reviewer_users = {u.id: u for u in reviewers}
        self.reviewers.choices = choices(
            (u.id, f"{u.name}, {u.organisation}" if u.organisation else u.name) for u in reviewers
        )
        self.found = {"organisations": [], "people": []}
        if obj is not None and not self.is_submitted():
            self.places.data = [p.id for p in obj.places]
            self.topics.data = [t.id for t in obj.topics]
            self.reviewers.data = [u.id for u in obj.reviewers]
            self.programme_group_id.data = obj.programme_group_id or 0
            self.organisations.data = "; ".join(f"#{o.id}" for o in obj.organisations)
            self.people.data = "; ".join(f"#{p.id}" for p in obj.people)
            self.quotes.data = "\n\n".join(q.text for q in obj.quotes)
            self.kind.data = obj.kind.value
            self.sensitivity.data = obj.sensitivity.value

    def validate_kind(self, field):
        if field.data not in RecordKind.__members__:
            raise ValidationError("Choose the type of activity from the list")

    def validate_sensitivity(self, field):
        if field.data not in Sensitivity.__members__:
            raise ValidationError("Choose who can see this record from the list")

    def validate_happened_on(self, field):
        if field.data and field.data > _today():
            raise ValidationError("The date must be today or in the past: log engagement after it has happened")

    def validate_ended_on(self, field):
        if not field.data:
            return
        if self.happened_on.data and field.data < self.happened_on.data:
            raise ValidationError("The end date must be the same as or after the date")
        if field.data > _today():
            raise ValidationError("The end date must be today or in the past")

    def validate_programme_group_id(self, field):
        if field.data and field.data not in self.group_ids:
            raise ValidationError("Choose a programme group from the list")

    def _resolve(self, field, model, key):
        names = [part.strip() for part in (field.data or "").split(";") if part.strip()]
        found = []
        for name in names[:200]:
            obj, error = resolve_stakeholder(model, name)
            if error:
                raise ValidationError(error)
            if obj not in found:
                found.append(obj)
        self.found[key] = found

    def validate_organisations(self, field):
        self._resolve(field, Organisation, "organisations")

    def validate_attachments(self, field):
        self.checked_files = check_files(field)

    def validate_people(self, field):
        self._resolve(field, Person, "people")

    def values(self):
        """Return cleaned values for the record services."""
        from engage.extensions import db
        from engage.reference.models import Place, Topic

        quotes = [q.strip() for q in (self.quotes.data or "").replace("\r\n", "\n").split("\n\n") if q.strip()]
        return {
            "title": self.title.data,
            "kind": RecordKind(self.kind.data),
            "happened_on": self.happened_on.data,
            "ended_on": self.ended_on.data,
            "programme_group_id": self.programme_group_id.data or None,
            "residents_reached": self.residents_reached.data or 0,
            "what_we_heard": (self.what_we_heard.data or "").strip(),
            "outcomes": (self.outcomes.data or "").strip(),
            "sensitivity": Sensitivity(self.sensitivity.data),
            "places": [db.session.get(Place, i) for i in self.places.data or []],
            "topics": [db.session.get(Topic, i) for i in self.topics.data or []],
            "organisations": self.found["organisations"],
            "people": self.found["people"],
            "reviewers": [self.reviewer_users[i] for i in self.reviewers.data or []],
            "quotes": quotes,
        }


class RecordFilterForm(EngageForm):
    """Search and filters for the records list (a GET form)."""

    class Meta:
        csrf = False

    # No length limit here: engage.search shortens a long query and says so.
    q = SearchField("Search titles, what we heard, quotes, actions and files", filters=[strip_whitespace])
    kind = SelectField("Type", validate_choice=False)
    place = SelectField("Place", validate_choice=False)
    topic = SelectField("Topic", validate_choice=False)
    sensitivity = SelectField("Sensitivity", validate_choice=False)
    #: Set by a facet link (there are too many organisations for a list); kept in a hidden field.
    organisation = StringField(widget=HiddenInput())
    date_from = DateField(
        "From", invalid_value_message="Enter a real date, for example 2026-10-01", validators=[Optional()]
    )
    date_to = DateField(
        "To", invalid_value_message="Enter a real date, for example 2026-10-01", validators=[Optional()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices([("", "Any type")] + [(k.value, k.label) for k in RecordKind])
        self.place.choices = choices(
            [("", "Anywhere")] + [(str(p), label) for p, label, _k in place_choices(include_all=True)]
        )
        self.topic.choices = choices([("", "Any topic")] + [(str(t.id), t.name) for t in active_topics()])
        self.sensitivity.choices = choices([("", "Any")] + [(s.value, s.short_label) for s in Sensitivity])

    def to_filter(self):
        """Return the RecordFilter asked for, ignoring values that are not on offer."""
        from engage.records.queries import RecordFilter

        def offered(field):
            values = {c.value for c in field.choices}
            return field.data if field.data in values else ""

        place, topic = offered(self.place), offered(self.topic)
        organisation = self.organisation.data or ""
        valid_dates = not (self.date_from.errors or self.date_to.errors)
        return RecordFilter(
            q=self.q.data or "",
            kind=offered(self.kind),
            place_id=int(place) if place else None,
            topic_id=int(topic) if topic else None,
            organisation_id=int(organisation) if re.fullmatch(r"[0-9]{1,9}", organisation) else None,
            sensitivity=offered(self.sensitivity),
            date_from=self.date_from.data if valid_dates else None,
            date_to=self.date_to.data if valid_dates else None,
        )


class CommentForm(EngageForm):
    """A comment on a record."""

    body = TextAreaField(
        "Add a comment",
        validators=[
            DataRequired("Enter a comment"),
            Length(max=5000, message="A comment must be 5,000 characters or fewer"),
        ],
    )


class FlagForm(EngageForm):
    """Flag a record for an officer's attention."""

    reason = RadioField(
        "Why are you flagging this record?",
        choices=choices((r.value, r.label) for r in FlagReason),
        validators=[DataRequired("Choose why you are flagging this record")],
    )
    note = TextAreaField(
        "More detail (optional)",
        validators=[Optional(), Length(max=2000, message="Keep the detail to 2,000 characters")],
    )

    def validate_reason(self, field):
        if field.data not in FlagReason.__members__:
            raise ValidationError("Choose a reason from the list")


class ResolveFlagForm(EngageForm):
    """Resolve a flag, saying what was done."""

    resolution = TextAreaField(
        "What was done",
        validators=[DataRequired("Say what was done about this flag"), Length(max=2000)],
    )


class ActionForm(EngageForm):
    """Add or edit an action agreed on a record."""

    description = TextAreaField(
        "What will be done",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter what will be done"),
            Length(max=2000, message="Keep the action to 2,000 characters"),
        ],
    )
    owner = StringField(
        "Owner",
        description="A person or a team, for example Discharge team, Maidstone Hospital",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter who owns this action"),
            Length(max=200, message="Keep the owner to 200 characters"),
        ],
    )
    due_on = DateField(
        "Due date (optional)",
        invalid_value_message="Enter a real date, for example 2026-12-01",
        validators=[Optional()],
    )
    status = RadioField(
        "Status",
        choices=choices((s.value, s.label) for s in ActionStatus),
        default=ActionStatus.open.value,
        validators=[DataRequired("Choose the status")],
    )
    outcome = TextAreaField(
        "Outcome (optional)",
        description="What came of it",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000, message="Keep the outcome to 2,000 characters")],
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self.status.data = obj.status.value

    def validate_status(self, field):
        if field.data not in ActionStatus.__members__:
            raise ValidationError("Choose a status from the list")

    def values(self):
        """Return cleaned values for the action services."""
        return {
            "description": self.description.data,
            "owner": self.owner.data,
            "due_on": self.due_on.data,
            "status": ActionStatus(self.status.data),
            "outcome": self.outcome.data or "",
        }


class AttachmentForm(EngageForm):
    """Add files to an existing record."""

    files = MultipleFileField("Add files")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files.description = _attachment_hint()
        self.checked_files = []

    def validate_files(self, field):
        self.checked_files = check_files(field)
        if not self.checked_files:
            raise ValidationError("Choose a file to attach")
