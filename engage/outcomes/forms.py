"""Forms for the outcome: themes with what people said, decisions with owner, due date and progress."""

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from engage.forms import EngageForm, choices, strip_whitespace
from engage.outcomes.models import DecisionStatus

REASON_REQUIRED = "Enter why it was not taken forward"


def _long(label, required=None, max_length=10_000, description=None):
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"{label} must be {max_length:,} characters or fewer"))
    return TextAreaField(label, description=description, filters=[strip_whitespace], validators=validators)


class OutcomeSummaryForm(EngageForm):
    """The outcome's summary: what was decided overall and how the responses were taken into account."""

    outcome = _long(
        "Summary",
        "Enter the outcome",
        50_000,
        "What was decided, and how the responses were taken into account. You can use Markdown.",
    )


class OutcomeThemeForm(EngageForm):
    """Add one of the repository's themes to the outcome, with what people said about it."""

    theme = SelectField("Theme", validators=[DataRequired("Choose a theme")])
    you_said = _long("What people said", "Enter what people said about this theme")

    def setup(self, themes):
        self.theme.choices = choices([("", "Choose a theme")] + [(str(t.id), t.title) for t in themes])
        return self

    def validate_theme(self, field):
        if field.data not in {c.value for c in field.choices if c.value}:
            raise ValidationError("Choose one of the themes listed")


class EditOutcomeThemeForm(EngageForm):
    you_said = _long("What people said", "Enter what people said about this theme")


def _status_field(label="Status"):
    return RadioField(
        label,
        choices=choices((s.value, s.label) for s in DecisionStatus),
        validators=[DataRequired("Select the decision's status")],
    )


class _ReasonCheck:
    """ "Not taken forward" needs the reason (checked after the fields: the reason field is optional)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.status.data == DecisionStatus.not_taken_forward.value and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, REASON_REQUIRED]
            valid = False
        return valid


class DecisionForm(_ReasonCheck, EngageForm):
    """A decision ("we did") with its owner, due date and status."""

    decision = _long("What was decided", "Enter what was decided", 5000)
    owner = StringField(
        "Owner",
        description="The person, team or organisation responsible, as residents should read it.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter who owns this decision"),
            Length(max=200, message="The owner must be 200 characters or fewer"),
        ],
    )
    due_on = DateField(
        "Due date",
        description="For example, 2027-03-31",
        invalid_value_message="Enter a real date, for example 2027-03-31",
        validators=[InputRequired("Enter the due date")],
    )
    status = _status_field()
    progress = _long("Progress (optional)", None, 5000)
    reason = _long("Why it was not taken forward", None, 5000, "Required when the status is “Not taken forward”.")


class EditDecisionForm(EngageForm):
    """Correct a decision's wording, owner or due date (status and progress change through an update)."""

    decision = DecisionForm.decision
    owner = DecisionForm.owner
    due_on = DecisionForm.due_on


class ProgressForm(_ReasonCheck, EngageForm):
    """A dated update of a decision's status and progress (shown publicly)."""

    status = _status_field("New status")
    progress = _long("Progress", None, 5000, "What has happened since the last update. Shown publicly, with the date.")
    reason = _long("Why it was not taken forward", None, 5000, "Required when the status is “Not taken forward”.")
