"""Response forms: a form per survey page built from its questions, and the journey's fixed forms.

Every answer is checked by ``clean_answer``, which the page form uses as the resident types and the
submission uses again on the whole draft, so a hand-made POST can never store what the page would
refuse. Answers are kept in the draft in the form they are stored (see ``clean_answer``).
"""

import re
import threading
from collections import OrderedDict
from datetime import date

from wtforms import BooleanField, Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from engage.forms import EngageForm, choices, strip_whitespace
from engage.responses.models import PublishConsent, RespondentType
from engage.surveys.cache import QuestionView
from engage.surveys.models import YES_NO, QuestionKind
from engage.validators import EmailAddress, normalise_postcode

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10_000
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_INTEGER = re.compile(r"^[+-]?\d{1,15}$")


def field_name(question):
    return f"q{question.id}"


def _short(text, limit=80):
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_answer(question, raw, *, required=None):
    """Check one answer and return ``(value, error)``.

    ``raw`` is what the resident sent: a string, a list (multiple choice) or a (day, month, year)
    tuple (date). ``value`` is the stored form: an option id as text (single choice, Likert), a list
    of option ids as text (multiple choice), "yes"/"no", a whole number as text (number, rating),
    "YYYY-MM-DD" (date), a normalised postcode or district, or the text. Empty answers give
    ``(None, None)`` unless the question is required (``required`` overrides the question's flag).
    """
    kind = question.kind
    required = question.required if required is None else required
    about = _short(question.text)
    if kind == QuestionKind.multiple_choice:
        picked = [str(v).strip() for v in (raw or []) if str(v).strip()]
        if not picked:
            return None, (f"Select at least one answer to: {about}" if required else None)
        valid = {str(o.id): o for o in question.options}
        if any(v not in valid for v in picked):
            return None, f"Choose only answers listed for: {about}"
        exclusive = [v for v in picked if valid[v].is_exclusive]
        if exclusive and len(picked) > 1:
            return None, f"Select “{valid[exclusive[0]].label}” on its own, or other answers, for: {about}"
        order = [str(o.id) for o in question.options]
        return sorted(set(picked), key=order.index), None
    if kind == QuestionKind.date:
        parts = [str(p or "").strip() for p in (raw or ("", "", ""))]
        if not any(parts):
            return None, (f"Enter a date for: {about}" if required else None)
        day, month, year = parts
        if not all(parts):
            missing = [n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p]
            return None, f"The date must include a {' and '.join(missing)}, for: {about}"
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            return None, f"Enter a real date, like 27 3 2007, for: {about}"
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            return None, f"Enter a real date, like 27 3 2007, for: {about}"
        return value.isoformat(), None
    text = "" if raw is None else str(raw).replace("\x00", "")
    if kind != QuestionKind.long_text:
        text = text.strip()
    if not text.strip():
        if not required:
            return None, None
        verb = "Select" if kind.has_options or kind in (QuestionKind.yes_no, QuestionKind.rating) else "Enter"
        return None, f"{verb} an answer to: {about}"
    if kind in (QuestionKind.single_choice, QuestionKind.likert):
        if text not in {str(o.id) for o in question.options}:
            return None, f"Choose one of the answers listed for: {about}"
        return text, None
    if kind == QuestionKind.yes_no:
        if text not in {key for key, _label in YES_NO}:
            return None, f"Select yes or no for: {about}"
        return text, None
    if kind == QuestionKind.rating:
        low, high = question.scale
        if not _INTEGER.match(text) or not low <= int(text) <= high:
            return None, f"Choose a rating between {low} and {high} for: {about}"
        return str(int(text)), None
    if kind == QuestionKind.number:
        compact = text.replace(",", "")
        if not _INTEGER.match(compact):
            return None, f"Enter a whole number, like 12, for: {about}"
        number = int(compact)
        low, high = question.min_value, question.max_value
        if low is not None and high is not None and not low <= number <= high:
            return None, f"Enter a number between {low:,} and {high:,} for: {about}"
        if low is not None and number < low:
            return None, f"Enter a number that is {low:,} or more for: {about}"
        if high is not None and number > high:
            return None, f"Enter a number that is {high:,} or less for: {about}"
        if abs(number) > 2_000_000_000:
            return None, f"Enter a smaller number for: {about}"
        return str(number), None
    if kind == QuestionKind.postcode:
        value = normalise_postcode(text)
        if value is None:
            return None, f"Enter a real UK postcode, like ME14 1RF, for: {about}"
        return value, None
    if question.equality_key == "postcode_district":
        value = re.sub(r"\s+", "", text.upper())
        if not _DISTRICT.match(value):
            return None, f"Enter the first half of a UK postcode, like ME14 or TN1, for: {about}"
        return value, None
    limit = LONG_TEXT_MAX if kind == QuestionKind.long_text else SHORT_TEXT_MAX
    if len(text) > limit:
        return None, f"Your answer must be {limit:,} characters or fewer (it has {len(text):,}), for: {about}"
    return text, None


class DatePartsField(Field):
    """A date typed as day, month and year boxes (the NHS date input): ``<name>-day`` and so on."""

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.raw_data = None
        self.parts = ("", "", "")
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in ("day", "month", "year")):
            self.parts = tuple(formdata.get(f"{self.name}-{p}", "")[:10] for p in ("day", "month", "year"))
            self.raw_data = list(self.parts)
        elif data and isinstance(data, str) and len(data) == 10:
            year, month, day = data.split("-")
            self.parts = (str(int(day)), str(int(month)), year)
        self.data = self.parts


class QuestionField:
    """What the page template needs to draw one question: the field, the question, its kind."""

    def __init__(self, question, field):
        self.question = question
        self.field = field
        self.kind = question.kind.value
        #: (value, label) pairs of a radio question, as text.
        self.choices = [(c.value, c.label) for c in getattr(field, "choices", None) or ()]

    @property
    def cache_key(self):
        """A key for this question's HTML when drawn unanswered and without an error, else None.

        That HTML depends only on the question (a cached survey's questions are immutable values),
        so every resident's first view of a page can reuse it (engage.templating.fragment).
        """
        if not isinstance(self.question, QuestionView) or self.field.errors:
            return None
        is_date = self.kind == QuestionKind.date.value
        blank = not any(self.field.parts) if is_date else self.field.data in (None, "", [])
        return ("survey-question", self.question) if blank else None


def _field_for(question, label):
    kind = question.kind
    description = question.help_text or None
    if kind in (QuestionKind.single_choice, QuestionKind.likert):
        return RadioField(
            label,
            description=description,
            choices=choices((str(o.id), o.label) for o in question.options),
            validate_choice=False,
        )
    if kind == QuestionKind.multiple_choice:
        return SelectMultipleField(
            label,
            description=description,
            choices=choices((str(o.id), o.label) for o in question.options),
            validate_choice=False,
        )
    if kind == QuestionKind.yes_no:
        return RadioField(label, description=description, choices=choices(YES_NO), validate_choice=False)
    if kind == QuestionKind.rating:
        low, high = question.scale
        return RadioField(
            label,
            description=description,
            choices=choices((str(n), str(n)) for n in range(low, high + 1)),
            validate_choice=False,
        )
    if kind == QuestionKind.date:
        return DatePartsField(label, description=description)
    if kind == QuestionKind.long_text:
        return TextAreaField(label, description=description)
    return StringField(label, description=description)


#: Page form classes built from cached survey structures (engage.surveys.cache), by their questions.
_FORM_CLASSES = OrderedDict()
_FORM_CLASSES_MAX = 256
_form_classes_lock = threading.Lock()


def _new_page_form_class(questions, base):
    class PageForm(base):
        pass

    for question in questions:
        label = question.text + ("" if question.required else " (optional)")
        setattr(PageForm, field_name(question), _field_for(question, label))
    return PageForm


def _page_form_class(questions, base):
    """The form class for ``questions`` on top of ``base``: built once per worker for a cached survey's questions.

    The class depends only on the questions' values (wording, kind, options, bounds), and the cached
    questions are immutable and compared by value, so an officer's edit gives different questions and
    so a new class. ORM questions (the officers' preview, keying) get a fresh class each time.
    """
    questions = tuple(questions)
    if not all(isinstance(q, QuestionView) for q in questions):
        return _new_page_form_class(questions, base)
    key = (base, questions)
    with _form_classes_lock:
        cls = _FORM_CLASSES.get(key)
        if cls is not None:
            _FORM_CLASSES.move_to_end(key)
            return cls
    cls = _new_page_form_class(questions, base)
    with _form_classes_lock:
        _FORM_CLASSES[key] = cls
        while len(_FORM_CLASSES) > _FORM_CLASSES_MAX:
            _FORM_CLASSES.popitem(last=False)
    return cls


def build_page_form(questions, answers=None, formdata=None, *, enforce_required=True, meta=None, base=None, data=None):
    """Return a form for ``questions`` (the visible ones of one page), filled from ``answers``.

    ``base`` is a form class whose fields come first (the first page carries :class:`StartForm`),
    filled from ``data``. After ``validate()``, ``form.answers`` maps each question id (text) to its
    clean value (None when unanswered), and errors sit on the fields.
    """

    PageForm = _page_form_class(questions, base or EngageForm)
    data = dict(data or {})
    if formdata is None:  # what was sent replaces what was saved, even when nothing was ticked
        for question in questions:
            value = (answers or {}).get(str(question.id))
            if value is not None:
                data[field_name(question)] = value
    form = PageForm(formdata=formdata, data=data, meta=meta or {})
    form.questions = [QuestionField(q, form[field_name(q)]) for q in questions]
    form.answers = {}

    original_validate = form.validate

    def validate(extra_validators=None):
        valid = original_validate(extra_validators)
        for item in form.questions:
            field = item.field
            raw = field.data
            if item.question.kind == QuestionKind.multiple_choice:
                raw = field.data or []
            value, error = clean_answer(
                item.question, raw, required=item.question.required if enforce_required else False
            )
            if error:
                field.errors = [*field.errors, error] if isinstance(field.errors, list) else [error]
                valid = False
            form.answers[str(item.question.id)] = value
        return valid

    form.validate = validate
    return form


class StartForm(EngageForm):
    """Privacy notice consent, and whether the resident answers for themselves or an organisation."""

    consent = BooleanField("I have read the privacy notice and agree to my answers being used as it describes")
    respondent_type = RadioField(
        "How are you responding?",
        choices=choices((t.value, t.label) for t in RespondentType),
        validators=[DataRequired("Select whether you are responding as an individual or for an organisation")],
    )
    organisation_name = StringField(
        "Name of the organisation",
        description="Only if you are responding on behalf of an organisation.",
        filters=[strip_whitespace],
        validators=[Length(max=200, message="The organisation's name must be 200 characters or fewer")],
    )

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError("Confirm that you have read the privacy notice and agree to it")

    def validate_respondent_type(self, field):
        if field.data not in RespondentType.__members__:
            raise ValidationError("Select whether you are responding as an individual or for an organisation")

    def validate_organisation_name(self, field):
        if self.respondent_type.data == RespondentType.organisation.value and not field.data:
            raise ValidationError("Enter the name of the organisation you are responding for")

    def details(self):
        organisation = self.respondent_type.data == RespondentType.organisation.value
        return {
            "consent": True,
            "respondent_type": self.respondent_type.data,
            "organisation_name": self.organisation_name.data if organisation else "",
        }


class SendResponseForm(EngageForm):
    """The foot of "Check your answers": optional name and email (for a receipt), whether the response
    may be published, and "Send". ``website`` is a honeypot people never see."""

    name = StringField(
        "Your name (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=200, message="Your name must be 200 characters or fewer")],
    )
    email = StringField(
        "Email address (optional)",
        description="We will send you a receipt with your reference number. We do not send your answers.",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=254), EmailAddress()],
    )
    publish_consent = RadioField(
        "Can we publish your response?",
        description="We may publish responses in our report on the consultation. We never publish email addresses.",
        choices=choices((c.value, c.label) for c in PublishConsent),
        validators=[DataRequired("Select whether we can publish your response")],
    )
    website = StringField("Leave this empty", validators=[Optional()])

    def validate_publish_consent(self, field):
        if field.data not in PublishConsent.__members__:
            raise ValidationError("Select whether we can publish your response")

    def details(self):
        return {
            "name": self.name.data or "",
            "email": self.email.data or "",
            "publish_consent": self.publish_consent.data,
        }


class ResumeEmailForm(EngageForm):
    """Email the private resume link to the resident."""

    email = StringField(
        "Email address",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter your email address"), Length(max=254), EmailAddress()],
    )
