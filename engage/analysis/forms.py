"""Forms for keying in offline responses, filtering the responses list, duplicates and coding.

Keying uses the journey's own page form (``build_page_form``) over every page of the survey, and
the journey's show-if rules and whole-response check, so an officer can store nothing a resident
could not.
"""

from flask import current_app
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from engage.dates import now_utc, to_london
from engage.forms import EngageForm, choices, strip_whitespace
from engage.records.attachments import AttachmentError, check_upload, format_size
from engage.responses.forms import build_page_form, clean_answer
from engage.responses.journey import DraftIncomplete, is_shown, validate_all
from engage.responses.models import AnalysisStatus, PublishConsent, RespondentType, ResponseChannel
from engage.surveys.models import YES_NO, QuestionKind
from engage.validators import EmailAddress

#: Channels an officer keys in (online responses come through the journey).
OFFLINE_CHANNELS = (
    ResponseChannel.post,
    ResponseChannel.email,
    ResponseChannel.phone,
    ResponseChannel.event,
    ResponseChannel.other,
)


class RespondentDetailsForm(EngageForm):
    """Who responded, as written on the paper (or email, or call notes)."""

    respondent_type = RadioField(
        "Responding as",
        choices=choices((t.value, t.label) for t in RespondentType),
        validators=[DataRequired("Select whether they responded as an individual or for an organisation")],
    )
    organisation_name = StringField(
        "Name of the organisation",
        filters=[strip_whitespace],
        validators=[Length(max=200, message="The organisation's name must be 200 characters or fewer")],
    )
    name = StringField(
        "Name (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200, message="The name must be 200 characters or fewer")],
    )
    email = StringField(
        "Email address (optional)",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            Length(max=254, message="The email address must be 254 characters or fewer"),
            EmailAddress(),
        ],
    )
    publish_consent = RadioField(
        "Can we publish the response?",
        choices=choices((c.value, c.label) for c in PublishConsent),
        validators=[DataRequired("Select whether the respondent lets us publish their response")],
    )

    def validate_respondent_type(self, field):
        if field.data not in RespondentType.__members__:
            raise ValidationError("Select whether they responded as an individual or for an organisation")

    def validate_organisation_name(self, field):
        if self.respondent_type.data == RespondentType.organisation.value and not field.data:
            raise ValidationError("Enter the name of the organisation they responded for")

    def validate_publish_consent(self, field):
        if field.data not in PublishConsent.__members__:
            raise ValidationError("Select whether the respondent lets us publish their response")

    def details(self):
        organisation = self.respondent_type.data == RespondentType.organisation.value
        return {
            "respondent_type": self.respondent_type.data,
            "organisation_name": self.organisation_name.data if organisation else "",
            "name": self.name.data or "",
            "email": self.email.data or "",
            "publish_consent": self.publish_consent.data,
        }


class OfflineResponseForm(RespondentDetailsForm):
    """How and when an offline response arrived, who sent it, and an optional scan or copy."""

    channel = RadioField(
        "How did the response arrive?",
        choices=choices((c.value, c.label) for c in OFFLINE_CHANNELS),
        validators=[DataRequired("Select how the response arrived")],
    )
    received_on = DateField(
        "Date received",
        description=(
            "The postmark, email or call date, as this consultation's deadline rules say. For example, 2026-10-01"
        ),
        invalid_value_message="Enter a real date, for example 2026-10-01",
        validators=[InputRequired("Enter the date the response was received")],
    )
    scan = FileField("A scan or copy of the response (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked = None
        limit = format_size(current_app.config["ATTACHMENT_MAX_BYTES"])
        self.scan.description = f"A PDF, a photo, a Word document or a text file, smaller than {limit}"

    def validate_channel(self, field):
        if field.data not in {c.value for c in OFFLINE_CHANNELS}:
            raise ValidationError("Select how the response arrived")

    def validate_received_on(self, field):
        if field.data and field.data > to_london(now_utc()).date():
            raise ValidationError("The date received cannot be in the future")

    def validate_scan(self, field):
        if not field.data:
            return
        max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
        data = field.data.stream.read(max_bytes + 1)
        try:
            self.checked = check_upload(field.data.filename, data, max_bytes)
        except AttachmentError as error:
            raise ValidationError(str(error)) from None

    def details(self):
        return {**super().details(), "channel": self.channel.data, "received_on": self.received_on.data}


def all_questions(survey):
    return [q for page in survey.pages for q in page.questions]


def condition_text(question, by_id):
    """ "Answer only if …" for a question with a show-if condition, for the one-page keying form."""
    condition = by_id.get(question.show_if_question_id)
    if condition is None:
        return ""
    if condition.kind == QuestionKind.yes_no:
        answer = dict(YES_NO).get(question.show_if_value, question.show_if_value)
    else:
        answer = next((o.label for o in condition.options if str(o.id) == question.show_if_value), "")
    return f"Key this answer only if the answer to “{condition.text}” is “{answer}”."


def build_answers_form(survey, formdata=None, answers=None):
    """Every question of every page on one form (the journey's page form), without its own CSRF token."""
    return build_page_form(
        all_questions(survey), answers, formdata=formdata, enforce_required=False, meta={"csrf": False}
    )


def _empty(question):
    if question.kind == QuestionKind.multiple_choice:
        return []
    if question.kind == QuestionKind.date:
        return ("", "", "")
    return ""


def validate_answers(survey, form):
    """Check the keyed answers as the journey does and return the clean answers, or None with errors set.

    Each answer is checked by the journey's ``clean_answer``; show-if is applied in page order, so a
    question whose condition is not met is never required and its answer is dropped; a required
    question that is shown and left empty is an error; and the whole set is checked again with the
    journey's ``validate_all``.
    """
    valid = form.validate()
    items = {item.question.id: item for item in form.questions}
    clean = {}
    for question in all_questions(survey):
        if not is_shown(question, clean):
            continue
        value = form.answers.get(str(question.id))
        if value is None:
            field = items[question.id].field
            if question.required and not field.errors:
                _value, error = clean_answer(question, _empty(question), required=True)
                field.errors = [*field.errors, error] if isinstance(field.errors, list) else [error]
                valid = False
            continue
        clean[str(question.id)] = value
    if not valid:
        return None
    try:
        return validate_all(survey, clean)
    except DraftIncomplete:
        return None


def answer_errors(form):
    """(field id, message) pairs of the answers form, for the error summary."""
    return [(item.field.id, message) for item in form.questions for message in (item.field.errors or ())]


class ResponseFilterForm(EngageForm):
    """The responses list's filters (a GET form)."""

    class Meta:
        csrf = False

    channel = SelectField("Channel", validators=[Optional()])
    respondent_type = SelectField("Responding as", validators=[Optional()])
    status = SelectField("Analysis status", validators=[Optional()])
    duplicate = SelectField("Duplicates", validators=[Optional()])
    late = BooleanField("Only late responses")
    date_from = DateField("Received from", validators=[Optional()], invalid_value_message="Enter a real date")
    date_to = DateField("Received to", validators=[Optional()], invalid_value_message="Enter a real date")
    theme = SelectField("Coded to theme", validators=[Optional()])
    option = SelectField("Answered (closed questions)", validators=[Optional()])
    question = SelectField("Question", validators=[Optional()])
    value = StringField(
        "Answer contains",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200, message="Keep the answer to search for to 200 characters")],
    )

    def setup(self, survey, themes):
        any_ = [("", "Any")]
        self.channel.choices = choices(any_ + [(c.value, c.label) for c in ResponseChannel])
        self.respondent_type.choices = choices(any_ + [(t.value, t.label) for t in RespondentType])
        self.status.choices = choices(any_ + [(s.value, s.label) for s in AnalysisStatus])
        self.duplicate.choices = choices(
            any_
            + [
                ("counted", "Counted (not duplicates)"),
                ("duplicate", "Marked as duplicates"),
                ("flagged", "Flagged as possible duplicates"),
            ]
        )
        self.theme.choices = choices(any_ + [(str(t.id), t.title) for t in themes])
        options, questions = [], []
        if survey is not None:
            for page in survey.pages:
                if page.is_equality:
                    continue
                for q in page.questions:
                    if q.kind.has_options:
                        options += [(str(o.id), f"{q.text[:60]}: {o.label[:60]}") for o in q.options]
                    else:
                        questions.append((str(q.id), q.text[:80]))
        self.option.choices = choices(any_ + options)
        self.question.choices = choices(any_ + questions)
        return self

    def values(self):
        """The valid filters as a dict the queries read; invalid ones are left out."""
        allowed = {f.name: {c.value for c in f.choices} for f in (self.channel, self.respondent_type, self.status)}
        flt = {}
        for name in ("channel", "respondent_type", "status"):
            value = getattr(self, name).data
            if value and value in allowed[name]:
                flt[name] = value
        if self.duplicate.data in ("counted", "duplicate", "flagged"):
            flt["duplicate"] = self.duplicate.data
        flt["late"] = bool(self.late.data)
        for name in ("date_from", "date_to"):
            if not getattr(self, name).errors:
                flt[name] = getattr(self, name).data
        for name, key in (("theme", "theme_id"), ("option", "option_id"), ("question", "question_id")):
            data = getattr(self, name).data
            if data and data.isdigit() and data in {c.value for c in getattr(self, name).choices}:
                flt[key] = int(data)
        if not self.value.errors:
            flt["value"] = self.value.data or ""
        return flt


class DuplicateForm(EngageForm):
    reason = TextAreaField(
        "Why is this a duplicate?",
        description="For example, the same letter arrived by post and by email. Do not copy personal details here.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter why this response is a duplicate"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )


class StatusForm(EngageForm):
    status = RadioField(
        "Analysis status",
        choices=choices((s.value, s.label) for s in AnalysisStatus),
        validators=[DataRequired("Select an analysis status")],
    )

    def validate_status(self, field):
        if field.data not in AnalysisStatus.__members__:
            raise ValidationError("Select an analysis status")


class CodeForm(EngageForm):
    """Code a written answer, or a passage of it, to a theme."""

    theme = SelectField("Theme", validators=[DataRequired("Choose a theme")])
    passage = TextAreaField(
        "Passage (optional)",
        description="Copy the words exactly as they appear in the answer. Leave empty to code the whole answer.",
        validators=[Optional(), Length(max=10_000)],
    )
    start = IntegerField(
        "Passage starts at character (optional)",
        validators=[Optional(), NumberRange(min=0, message="Enter 0 or more")],
    )
    end = IntegerField(
        "Passage ends at character (optional)",
        validators=[Optional(), NumberRange(min=1, message="Enter 1 or more")],
    )
    is_quote = BooleanField("Pick this as a quote for the outcome (never shown with the respondent's identity)")

    def setup(self, themes):
        self.theme.choices = choices([("", "Choose a theme")] + [(str(t.id), t.title) for t in themes])
        return self

    def validate_theme(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError("Choose one of the themes listed")


class CodeChangeForm(EngageForm):
    code = HiddenField(validators=[DataRequired()])
    action = HiddenField(validators=[DataRequired()])


class DeadlineRulesForm(EngageForm):
    deadline_rules = TextAreaField(
        "Deadline rule for each way of responding",
        description=(
            "For example: Post: postmarked by the closing date. Email: received by 11:59pm on the closing date. "
            "Phone and events: taken by the closing date."
        ),
        filters=[strip_whitespace],
        validators=[Length(max=2000, message="The deadline rules must be 2,000 characters or fewer")],
    )


class UnreadReasonForm(EngageForm):
    reason = TextAreaField(
        "Why may the outcome be published while some responses are unread?",
        description="This is kept with the consultation and shown on it.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter why the outcome may be published before every response is read"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
