"""Survey builder forms: introduction and privacy notice, pages, questions of every type, moves."""

from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from engage.extensions import db
from engage.forms import EngageForm, choices, strip_whitespace
from engage.surveys.models import LIKERT_LABELS, RATING_DEFAULT, Question, QuestionKind
from engage.surveys.services import condition_choices, condition_problem
from engage.validators import as_id

#: Bounds of number questions: well inside a database integer.
NUMBER_LIMIT = 1_000_000_000
OPTION_LENGTH = 300


def _length(label, maximum):
    return Length(max=maximum, message=f"{label} must be {maximum:,} characters or fewer")


class WholeNumberField(IntegerField):
    """An IntegerField whose message for text that is not a whole number says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a whole number, like 10") from error


class SurveyForm(EngageForm):
    """The survey's introduction and privacy notice."""

    introduction = TextAreaField(
        "Introduction (optional)",
        description="Shown on the first page, above the privacy notice. You can use Markdown.",
        filters=[strip_whitespace],
        validators=[_length("The introduction", 10_000)],
    )
    privacy_notice = TextAreaField(
        "Privacy notice",
        description="Residents accept this before answering. Changing the wording gives it a new version "
        "number, kept with each response.",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the privacy notice"), _length("The privacy notice", 20_000)],
    )


class PageForm(EngageForm):
    """A page's title."""

    title = StringField(
        "Page title",
        description="Residents see it at the top of the page, like “Using urgent care”",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a title for the page"), _length("The page title", 200)],
    )


class MoveForm(EngageForm):
    """Move a page or question: up or down (the button pressed), or a question to another page."""

    direction = StringField(validators=[Optional()])
    to_page = WholeNumberField(validators=[Optional()])

    def validate_direction(self, field):
        if field.data and field.data not in ("up", "down"):
            raise ValidationError("Choose to move it up or down")


class ChooseKindForm(EngageForm):
    """The first step of adding a question: its type (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    kind = RadioField(
        "What type of question?",
        choices=choices((k.value, k.label) for k in QuestionKind),
        validators=[InputRequired("Choose the type of question")],
        validate_choice=False,
    )

    def validate_kind(self, field):
        if field.data not in QuestionKind.__members__:
            raise ValidationError("Choose one of the types of question listed")


class QuestionForm(EngageForm):
    """Add or edit a question. Fields not used by the question's type are removed on creation."""

    kind = SelectField("Type of question", choices=choices((k.value, k.label) for k in QuestionKind))
    text = StringField(
        "Question",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the question"), _length("The question", 500)],
    )
    help_text = TextAreaField(
        "Help text (optional)",
        description="Shown under the question, for example what to include or why you ask",
        filters=[strip_whitespace],
        validators=[_length("The help text", 2_000)],
    )
    required = BooleanField("Residents must answer this question")
    options_text = TextAreaField(
        "Options",
        description="One option per line, in the order residents will see them",
        validators=[_length("The options", 20_000)],
    )
    min_value = WholeNumberField(
        "Lowest number allowed (optional)",
        validators=[Optional(), NumberRange(-NUMBER_LIMIT, NUMBER_LIMIT, "Enter a number closer to zero")],
    )
    max_value = WholeNumberField(
        "Highest number allowed (optional)",
        validators=[Optional(), NumberRange(-NUMBER_LIMIT, NUMBER_LIMIT, "Enter a number closer to zero")],
    )
    show_if = SelectField(
        "Show this question only when (optional)",
        description="Residents see it only after giving that answer on an earlier page",
        validate_choice=False,
    )

    def __init__(self, *args, page, kind, question=None, responded=False, **kwargs):
        super().__init__(*args, obj=question, **kwargs)
        self.page, self.question = page, question
        #: Once a survey has responses a question keeps its type (the answers given must still fit it).
        self.kind_locked = question is not None and (responded or page.is_equality)
        if question is not None and not self.kind_locked and self.kind.data in QuestionKind.__members__:
            kind = QuestionKind(self.kind.data)
        self.question_kind = kind = QuestionKind(kind)
        if question is None or self.kind_locked:
            del self.kind
        if page.is_equality:
            # The standard equality questions: wording only, always optional, no conditions.
            for name in ("required", "options_text", "min_value", "max_value", "show_if"):
                delattr(self, name)
        else:
            self._shape_for(kind)
        if not kind.has_options:
            for name in [n for n in self._fields if n.startswith(("option_", "remove_"))]:
                delattr(self, name)
        if "show_if" in self:
            self.show_if.choices = choices([("", "Always show this question"), *condition_choices(page)])
            if question is not None and not self.is_submitted() and question.show_if_question_id:
                self.show_if.data = f"{question.show_if_question_id}:{question.show_if_value}"

    def _shape_for(self, kind):
        if kind.has_options:
            if self.question is not None:
                self.options_text.label.text = "Add options (optional)"
                self.options_text.description = "One new option per line, added after the ones above"
            elif kind == QuestionKind.likert and not self.is_submitted():
                self.options_text.data = "\n".join(LIKERT_LABELS)
                self.options_text.description = "The five points of the scale, one per line, from one end to the other"
        else:
            del self.options_text
        if kind == QuestionKind.rating:
            self.min_value.label.text, self.max_value.label.text = "Bottom of the scale", "Top of the scale"
            self.min_value.description = "0 or 1"
            self.max_value.description = "From 2 to 10"
            if not self.is_submitted() and self.question is None:
                self.min_value.data, self.max_value.data = RATING_DEFAULT
        elif kind != QuestionKind.number:
            del self.min_value
            del self.max_value

    def option_fields(self):
        """(wording field, remove tick box or None) for each existing option, in order."""
        return [
            (f, self._fields.get(name.replace("option_", "remove_", 1)))
            for name, f in self._fields.items()
            if name.startswith("option_")
        ]

    def new_options(self):
        """The labels typed into the options box, one per line, blank lines left out."""
        if "options_text" not in self:
            return []
        return [line.strip() for line in (self.options_text.data or "").splitlines() if line.strip()]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        kind = self.question_kind
        if "options_text" in self and not self.options_text.errors:
            valid &= self._check_options(kind)
        if "min_value" in self and not (self.min_value.errors or self.max_value.errors):
            valid &= self._check_bounds(kind)
        if "show_if" in self and self.show_if.data:
            problem = self._condition()[2]
            if problem:
                self.show_if.errors.append(problem)
                valid = False
        return valid

    def _check_options(self, kind):
        labels = self.new_options()
        if any(len(label) > OPTION_LENGTH for label in labels):
            self.options_text.errors.append(f"Each option must be {OPTION_LENGTH} characters or fewer")
            return False
        removed = {n.removeprefix("remove_") for n, f in self._fields.items() if n.startswith("remove_") and f.data}
        kept = [
            f.data
            for n, f in self._fields.items()
            if n.startswith("option_") and n.removeprefix("option_") not in removed
        ]
        if kind == QuestionKind.likert and len(kept) + len(labels) != len(LIKERT_LABELS):
            self.options_text.errors.append("A Likert scale has five points: give it five labels, one per line")
            return False
        if len(kept) + len(labels) < 2:
            self.options_text.errors.append(f"Enter at least two options for a {kind.label.lower()} question")
            return False
        wording = kept + labels
        if len({(label or "").casefold() for label in wording}) != len(wording):
            self.options_text.errors.append("Each option must be different")
            return False
        return True

    def _check_bounds(self, kind):
        low, high = self.min_value.data, self.max_value.data
        if kind == QuestionKind.rating:
            if low not in (0, 1):
                self.min_value.errors.append("Start the rating scale at 0 or 1")
                return False
            if high is None or not 2 <= high <= 10:
                self.max_value.errors.append("End the rating scale at a number from 2 to 10")
                return False
        elif None not in (low, high) and low > high:
            self.max_value.errors.append("The highest number must not be less than the lowest")
            return False
        return True

    def _condition(self):
        """(condition question, answer value, problem or None) from the show-if choice."""
        question_id, _, value = (self.show_if.data or "").partition(":")
        condition = db.session.get(Question, as_id(question_id)) if as_id(question_id) else None
        if condition is None:
            return None, "", "Choose a question from the list"
        return condition, value, condition_problem(self.page, condition, value)

    def values(self):
        """Keyword arguments for services.add_question / update_question."""
        values = {
            "kind": self.question_kind,
            "text": self.text.data,
            "help_text": self.help_text.data or "",
            "required": bool("required" in self and self.required.data),
        }
        if "min_value" in self:
            values.update(min_value=self.min_value.data, max_value=self.max_value.data)
        if "show_if" in self and self.show_if.data:
            condition, value, _ = self._condition()
            values.update(show_if_question=condition, show_if_value=value)
        if self.question is None:
            values["options"] = self.new_options()
        else:
            values["new_options"] = self.new_options()
            values["option_labels"] = {
                int(name.removeprefix("option_")): f.data
                for name, f in self._fields.items()
                if name.startswith("option_")
            }
            values["remove_option_ids"] = {
                int(name.removeprefix("remove_"))
                for name, f in self._fields.items()
                if name.startswith("remove_") and f.data
            }
        return values


def question_form(page, kind, question=None, **kwargs):
    """Build the form for a new question of ``kind`` on ``page``, or for editing ``question``.

    Editing adds one box per existing option (``option_<id>``) and, outside the equality section, a
    "remove" tick box for each (``remove_<id>``).
    """
    fields = {}
    for number, option in enumerate(question.options if question else (), start=1):
        fields[f"option_{option.id}"] = StringField(
            f"Option {number}",
            default=option.label,
            filters=[strip_whitespace],
            validators=[DataRequired(f"Enter the wording of option {number}"), _length("An option", OPTION_LENGTH)],
        )
        if not page.is_equality:
            fields[f"remove_{option.id}"] = BooleanField(f"Remove option {number}")
    form_class = type("EditQuestionForm", (QuestionForm,), fields)
    return form_class(page=page, kind=kind, question=question, **kwargs)
