"""Forms for themes: the theme itself, and attaching evidence from a record page or a theme page."""

from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from engage.extensions import db
from engage.forms import EngageForm, choices, strip_whitespace
from engage.themes.models import Theme, title_key
from engage.validators import is_digits


class ThemeForm(EngageForm):
    """Create or edit a theme and its "we did" response."""

    title = StringField(
        "Title",
        description='For example "Access to urgent care". Public once the response is published.',
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a title"), Length(max=160, message="Keep the title to 160 characters")],
    )
    description = TextAreaField(
        "What the theme covers (optional)",
        description=(
            "Plain text. Public once the response is published: do not include anything that identifies someone."
        ),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=4000, message="Keep the description to 4,000 characters")],
    )
    response = TextAreaField(
        "What we did (optional until you publish)",
        description="The partnership's response for the public \u201cYou said, we did\u201d page. Markdown works.",
        validators=[Optional(), Length(max=20_000, message="Keep the response to 20,000 characters")],
    )

    def __init__(self, *args, theme=None, **kwargs):
        super().__init__(*args, obj=theme, **kwargs)
        self.theme = theme

    def validate_title(self, field):
        clash = db.session.scalar(select(Theme).where(Theme.title_key == title_key(field.data)))
        if clash is not None and clash is not self.theme:
            raise ValidationError("A theme with this title already exists: choose another title or add to that theme")

    def values(self):
        """Return cleaned values for the theme services."""
        return {
            "title": " ".join(self.title.data.split()),
            "description": self.description.data or "",
            "response": (self.response.data or "").strip(),
        }


class RecordEvidenceForm(EngageForm):
    """On a record page: add the record, or one of its quotes, to a theme."""

    theme_id = SelectField("Theme", coerce=int, validate_choice=False)
    quote_id = HiddenField(validators=[Optional()])
    note = TextAreaField(
        "Note (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000, message="Keep the note to 1,000 characters")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        themes = db.session.execute(select(Theme.id, Theme.title).order_by(Theme.title)).all()
        self.theme_id.choices = choices([(0, "Choose a theme")] + [(t.id, t.title) for t in themes])
        self.theme_ids = {t.id for t in themes}

    def validate_theme_id(self, field):
        if field.data not in self.theme_ids:
            raise ValidationError("Choose a theme from the list")

    def validate_quote_id(self, field):
        # Digits only, and short enough for an integer column on PostgreSQL.
        if field.data and not (is_digits(str(field.data)) and len(str(field.data)) <= 9):
            raise ValidationError("That quote is not on this record")


class ThemeEvidenceForm(EngageForm):
    """On a theme page: add a whole record as evidence, by its number."""

    record = StringField(
        "Record number",
        description="The number in the record's web address, for example 42. To add a single quote, use "
        "\u201cAdd to theme\u201d under the quote on the record's page.",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the record number")],
    )
    note = TextAreaField(
        "Note (optional)",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000, message="Keep the note to 1,000 characters")],
    )

    def validate_record(self, field):
        number = field.data.lstrip("#")
        if not is_digits(number) or len(number) > 9:
            raise ValidationError("Enter the record number as digits, for example 42")
        field.data = number
