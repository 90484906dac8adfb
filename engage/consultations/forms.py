"""Consultation forms: details with London date-time entry, events, documents, extensions, outcomes,
alternative format requests, and the public list filter."""

import re
from datetime import datetime, time

from flask import current_app
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from engage.consultations.models import DocumentKind, FormatKind
from engage.consultations.timing import WallClockError, london_to_utc
from engage.dates import to_london
from engage.forms import EngageForm, choices, strip_whitespace
from engage.records.attachments import ALLOWED_TYPES, AttachmentError, check_upload, format_size
from engage.reference.queries import active_topics, place_choices
from engage.stakeholders.forms import IdSelectMultipleField
from engage.validators import EmailAddress, UKPhone

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Slugs that would clash with the consultation pages' own addresses.
RESERVED_SLUGS = {"manage", "new"}
_TIME_24 = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_TIME_12 = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)$")
TIME_HINT = "Use the 24-hour clock, like 09:00 or 23:59 (UK time)"
DATE_MESSAGE = "Enter a real date, for example 2026-10-01"


def parse_time(text):
    """Read '09:00', '23:59', '9am' or '11:59pm' as a time; None if it is not one."""
    text = (text or "").strip().lower()
    if text in ("midday", "noon"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _TIME_24.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2])
    else:
        match = _TIME_12.match(text)
        if not match or not 1 <= int(match[1]) <= 12:
            return None
        hour, minute = int(match[1]) % 12 + (12 if match[3] == "pm" else 0), int(match[2] or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def time_text(value):
    """A London time as the form shows it: '23:59'."""
    return f"{to_london(value):%H:%M}" if value else ""


class LondonDateTimeMixin:
    """Combine a ``<name>_on`` date field and a ``<name>_time`` text field into a UTC instant.

    Errors go on the time field (or the date field when the date is missing), so the error summary
    links to the right box.
    """

    def london_instant(self, name, day=None):
        """The UTC instant of ``<day or name>_on`` at ``<name>_time``, or None with an error on the field."""
        day_field, time_field = getattr(self, f"{day or name}_on"), getattr(self, f"{name}_time")
        if day_field.errors or not day_field.data:
            return None
        value = parse_time(time_field.data)
        if value is None:
            time_field.errors.append(f"Enter a time like 09:00 or 23:59 ({time_field.label.text.lower()})")
            return None
        try:
            return london_to_utc(datetime.combine(day_field.data, value))
        except WallClockError as error:
            time_field.errors.append(str(error))
            return None

    def fill_london(self, name, value):
        if value is not None:
            getattr(self, f"{name}_on").data = to_london(value).date()
            getattr(self, f"{name}_time").data = time_text(value)


def _date(label, message):
    return DateField(label, invalid_value_message=DATE_MESSAGE, validators=[InputRequired(message)])


def _time(label, message):
    return StringField(
        label, description=TIME_HINT, filters=[strip_whitespace], validators=[DataRequired(message), Length(max=10)]
    )


def _text(label, max_length, required=None, description=None):
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, description=description, validators=validators)


class ConsultationForm(LondonDateTimeMixin, EngageForm):
    """Create or edit a consultation. The address and dates are only offered while it is a draft."""

    title = StringField(
        "Title", filters=[strip_whitespace], validators=[DataRequired("Enter a title"), Length(max=200)]
    )
    slug = StringField(
        "Web address",
        description="The end of the page address: lower-case letters, numbers and hyphens, like west-kent-urgent-care",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a web address"),
            Length(max=100, message="Keep the web address to 100 characters"),
        ],
    )
    summary = _text("Summary", 1000, "Enter a summary", "One or two sentences for the list of consultations")
    body = _text(
        "What we are proposing", 50_000, description="You can use Markdown: **bold**, lists with -, links, ## headings"
    )
    opens_on = _date("Opening date", "Enter the opening date")
    opens_time = _time("Opening time", "Enter the opening time")
    closes_on = _date("Closing date", "Enter the closing date")
    closes_time = _time("Closing time", "Enter the closing time")
    places = IdSelectMultipleField("Places")
    topics = IdSelectMultipleField("Topics")
    audiences = _text(
        "Audiences (optional)", 2000, description="Who you most want to hear from, like carers or young people"
    )
    contact_name = StringField(
        "Contact name", filters=[strip_whitespace], validators=[DataRequired("Enter a contact name"), Length(max=200)]
    )
    contact_email = StringField(
        "Contact email address (optional)", filters=[strip_whitespace], validators=[Optional(), EmailAddress()]
    )
    contact_phone = StringField(
        "Contact phone number (optional)", filters=[strip_whitespace], validators=[Optional(), UKPhone()]
    )
    has_online_survey = BooleanField("People can respond by an online survey")
    postal_address = _text("Postal address for responses (optional)", 500, description="Such as a Freepost address")
    response_email = StringField(
        "Email address for responses (optional)", filters=[strip_whitespace], validators=[Optional(), EmailAddress()]
    )
    fairness_why_now = _text(
        "Why consult now, while the proposals can still change", 5000, description="Needed before it can be made ready"
    )
    fairness_information = _text(
        "What information people are given to respond", 5000, description="Needed before it can be made ready"
    )
    fairness_length = _text(
        "Why the length of the consultation is enough", 5000, description="Needed before it can be made ready"
    )

    def __init__(self, *args, obj=None, slug_taken=None, dates_locked=False, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.slug_taken = slug_taken or (lambda slug: False)
        self.dates_locked = dates_locked
        if dates_locked:
            for name in ("slug", "opens_on", "opens_time", "closes_on", "closes_time"):
                delattr(self, name)
        self.places.choices = choices((pid, label) for pid, label, _k in place_choices(include_all=True))
        self.topics.choices = choices((t.id, t.name) for t in active_topics())
        self.instants = {}
        if obj is not None and not self.is_submitted():
            self.places.data = [p.id for p in obj.places]
            self.topics.data = [t.id for t in obj.topics]
            if not dates_locked:
                self.fill_london("opens", obj.opens_at)
                self.fill_london("closes", obj.closes_at)

    def validate_slug(self, field):
        if not SLUG_RE.match(field.data or ""):
            raise ValidationError("Use only lower-case letters, numbers and single hyphens, like west-kent-urgent-care")
        if field.data in RESERVED_SLUGS:
            raise ValidationError("That web address is used by Engage itself: choose another")
        if self.slug_taken(field.data):
            raise ValidationError("Another consultation already uses that web address")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.contact_email.data and not self.contact_phone.data and not self.contact_email.errors:
            self.contact_email.errors.append("Enter a contact email address or phone number")
            valid = False
        if self.dates_locked:
            return valid
        opens, closes = self.london_instant("opens"), self.london_instant("closes")
        if opens is None or closes is None:
            return False
        if closes <= opens:
            self.closes_time.errors.append("The closing date and time must be after the opening date and time")
            return False
        self.instants = {"opens_at": opens, "closes_at": closes}
        return valid

    def values(self):
        """Return cleaned values for the consultation services."""
        from engage.extensions import db
        from engage.reference.models import Place, Topic

        values = {
            "title": self.title.data,
            "summary": self.summary.data.strip(),
            "body": (self.body.data or "").strip(),
            "audiences": (self.audiences.data or "").strip(),
            "contact_name": self.contact_name.data,
            "contact_email": self.contact_email.data or "",
            "contact_phone": self.contact_phone.data or "",
            "has_online_survey": bool(self.has_online_survey.data),
            "postal_address": (self.postal_address.data or "").strip(),
            "response_email": self.response_email.data or "",
            "fairness_why_now": (self.fairness_why_now.data or "").strip(),
            "fairness_information": (self.fairness_information.data or "").strip(),
            "fairness_length": (self.fairness_length.data or "").strip(),
            "places": [db.session.get(Place, i) for i in self.places.data or []],
            "topics": [db.session.get(Topic, i) for i in self.topics.data or []],
            **self.instants,
        }
        if not self.dates_locked:
            values["slug"] = self.slug.data
        return values


class EventForm(LondonDateTimeMixin, EngageForm):
    """An event on one day, with start and end times in UK time."""

    title = StringField(
        "Event name", filters=[strip_whitespace], validators=[DataRequired("Enter the event name"), Length(max=200)]
    )
    starts_on = _date("Date", "Enter the date of the event")
    starts_time = _time("Start time", "Enter the start time")
    ends_time = _time("End time", "Enter the end time")
    venue = _text("Venue", 1000, "Enter the venue", "The full address, or Online with how to join")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        starts = self.london_instant("starts")
        ends = self.london_instant("ends", day="starts")
        if starts is None or ends is None:
            return False
        if ends <= starts:
            self.ends_time.errors.append("The end time must be after the start time")
            return False
        self.instants = {"starts_at": starts, "ends_at": ends}
        return valid

    def values(self):
        return {"title": self.title.data, "venue": self.venue.data.strip(), **self.instants}


def _document_hint():
    return f"{ALLOWED_TYPES}, up to {format_size(current_app.config['ATTACHMENT_MAX_BYTES'])}"


def _file_field(label):
    return FileField(label)


def _url_field(label):
    return URLField(
        label,
        description="Starting https://",
        filters=[strip_whitespace],
        validators=[Length(max=500, message="Keep the web address to 500 characters")],
    )


URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


class DocumentSourceMixin:
    """A document's content: an uploaded file (checked by content, as record attachments are) or a web link.

    After validation, ``checked`` holds the CheckedFile, or ``link`` the address; neither when
    ``source_optional`` and both were left empty.
    """

    source_optional = False

    def init_source(self):
        self.file.description = _document_hint()
        self.checked = None
        self.link = None

    def validate_file(self, field):
        if not field.data:
            return
        max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
        # One byte past the limit is enough to know it is too large, without reading all of it.
        data = field.data.stream.read(max_bytes + 1)
        try:
            self.checked = check_upload(field.data.filename, data, max_bytes)
        except AttachmentError as error:
            raise ValidationError(str(error)) from None

    def validate_url(self, field):
        if field.data and not URL_RE.match(field.data):
            raise ValidationError("Enter a web address starting https://, like https://www.example.org/summary.pdf")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        has_file, has_url = bool(self.file.data), bool(self.url.data)
        if has_file and has_url:
            self.url.errors.append("Upload a file or give a web address, not both")
            return False
        if not (has_file or has_url) and not self.source_optional:
            self.file.errors.append("Upload a file or give the web address of the document")
            return False
        if valid and has_url:
            self.link = self.url.data
        return valid

    def source(self):
        """The new content as keyword arguments for the document services: ``checked`` or ``url``."""
        if self.checked is not None:
            return {"checked": self.checked}
        if self.link:
            return {"url": self.link}
        return {}


class DocumentForm(DocumentSourceMixin, EngageForm):
    """A consultation document: what it is, and its file or link."""

    kind = RadioField(
        "Type of document",
        choices=choices((k.value, k.label) for k in DocumentKind),
        validators=[DataRequired("Choose the type of document")],
    )
    language = StringField(
        "Language (for a document in another language)", filters=[strip_whitespace], validators=[Length(max=60)]
    )
    title = StringField(
        "Title", filters=[strip_whitespace], validators=[DataRequired("Enter the title"), Length(max=200)]
    )
    file = _file_field("Upload a file")
    url = _url_field("Or give the web address of a document published elsewhere")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_source()

    def validate_kind(self, field):
        if field.data not in DocumentKind.__members__:
            raise ValidationError("Choose the type of document from the list")

    def validate_language(self, field):
        if self.kind.data == DocumentKind.other_language.value and not field.data:
            raise ValidationError("Enter the language of the document")

    def values(self):
        kind = DocumentKind(self.kind.data)
        return {
            "kind": kind,
            "language": self.language.data if kind == DocumentKind.other_language else "",
            "title": self.title.data,
        }


class EditDocumentForm(DocumentForm):
    """Change a document before the consultation opens; a new file or link is optional."""

    source_optional = True

    file = _file_field("Upload a new file (optional)")
    url = _url_field("Or give a new web address (optional)")


class ReplaceDocumentForm(DocumentSourceMixin, EngageForm):
    """A new version of a published document, with what changed."""

    file = _file_field("Upload the new version")
    url = _url_field("Or give the web address of the new version")
    note = _text(
        "What has changed (optional)",
        1000,
        description="Residents see this in the document history, like: corrected figures on page 4",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_source()


class WithdrawDocumentForm(EngageForm):
    """Withdraw a published document; it stays in the document history."""

    note = _text(
        "Why is it being withdrawn? (optional)",
        1000,
        description="Residents see this in the document history",
    )


class ExtendClosingDateForm(LondonDateTimeMixin, EngageForm):
    """Move the closing date later, saying why."""

    closes_on = _date("New closing date", "Enter the new closing date")
    closes_time = _time("New closing time", "Enter the new closing time")
    reason = _text("Why are you extending it?", 2000, "Say why the closing date is being extended")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.new_closes_at = self.london_instant("closes")
        return valid and self.new_closes_at is not None


class OutcomeForm(EngageForm):
    """The outcome: what was decided and how responses shaped it."""

    outcome = _text(
        "Outcome",
        50_000,
        "Enter the outcome",
        "What was decided, and how the responses were taken into account. You can use Markdown.",
    )


class FormatRequestForm(EngageForm):
    """A resident asks for the consultation in another format. ``website`` is a honeypot."""

    name = StringField(
        "Your name", filters=[strip_whitespace], validators=[DataRequired("Enter your name"), Length(max=200)]
    )
    email = StringField("Email address", filters=[strip_whitespace], validators=[Optional(), EmailAddress()])
    phone = StringField("Phone number", filters=[strip_whitespace], validators=[Optional(), UKPhone()])
    format = RadioField(
        "Which format do you need?",
        choices=choices((k.value, k.label) for k in FormatKind),
        validators=[DataRequired("Choose the format you need")],
    )
    language = StringField(
        "Which language? (if you chose another language)", filters=[strip_whitespace], validators=[Length(max=60)]
    )
    details = _text("Anything else we should know (optional)", 2000, description="For example, which document you need")
    #: Hidden from people (CSS and aria-hidden); bots fill it in. A filled-in request is not stored.
    website = StringField("Leave this empty", validators=[Optional()])

    def validate_format(self, field):
        if field.data not in FormatKind.__members__:
            raise ValidationError("Choose the format you need from the list")

    def validate_language(self, field):
        if self.format.data == FormatKind.other_language.value and not field.data:
            raise ValidationError("Enter the language you need")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data and not self.email.errors and not self.phone.errors:
            self.email.errors.append("Enter an email address or a phone number so we can send it to you")
            valid = False
        return valid

    def values(self):
        kind = FormatKind(self.format.data)
        return {
            "name": self.name.data,
            "email": self.email.data or "",
            "phone": self.phone.data or "",
            "format": kind,
            "language": self.language.data if kind == FormatKind.other_language else "",
            "details": (self.details.data or "").strip(),
        }


class PublicFilterForm(EngageForm):
    """Filter the public list by place and topic (a GET form: the filters live in the URL)."""

    class Meta:
        csrf = False

    place = SelectField("Place", validate_choice=False)
    topic = SelectField("Topic", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = choices(
            [("", "Anywhere")] + [(str(p), label) for p, label, _k in place_choices(include_all=True)]
        )
        self.topic.choices = choices([("", "Any topic")] + [(str(t.id), t.name) for t in active_topics()])

    def to_filter(self):
        """Return the PublicFilter asked for, ignoring values that are not on offer."""
        from engage.consultations.queries import PublicFilter

        def offered(field):
            return int(field.data) if field.data in {c.value for c in field.choices} and field.data else None

        return PublicFilter(place_id=offered(self.place), topic_id=offered(self.topic))


class SubscribeForm(EngageForm):
    """A resident asks for email updates on a consultation. ``website`` is a honeypot."""

    email = StringField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
            EmailAddress(),
        ],
    )
    #: Hidden from people (CSS and aria-hidden); bots fill it in. A filled-in request is not stored.
    website = StringField("Leave this empty", validators=[Optional()])
