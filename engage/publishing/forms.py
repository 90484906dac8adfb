"""Forms for moderating and redacting responses."""

from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from engage.forms import EngageForm, strip_whitespace


class DecisionForm(EngageForm):
    """Publish a response, or decide not to (the button pressed says which)."""

    note = TextAreaField(
        "Why not publish it (optional, for officers only)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=2000, message="The note must be 2,000 characters or fewer")],
    )


class RedactForm(EngageForm):
    """Hide a passage of a written answer from the published response, with the reason."""

    passage = TextAreaField(
        "Passage to redact (optional)",
        description="Copy the words exactly as they appear in the answer. Leave empty to redact the whole answer.",
        validators=[Optional(), Length(max=10_000)],
    )
    start = IntegerField(
        "Passage starts at character (optional)",
        validators=[Optional(), NumberRange(min=0, max=10_000_000, message="Enter 0 or more")],
    )
    end = IntegerField(
        "Passage ends at character (optional)",
        validators=[Optional(), NumberRange(min=1, max=10_000_000, message="Enter 1 or more")],
    )
    reason = TextAreaField(
        "Why it is redacted",
        description="For example: names a member of staff; could identify the respondent; offensive words.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter why this passage is redacted"),
            Length(max=1000, message="The reason must be 1,000 characters or fewer"),
        ],
    )
