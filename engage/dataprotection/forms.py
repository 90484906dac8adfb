"""Forms of the subject access pages."""

from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from engage.forms import EngageForm, strip_whitespace
from engage.validators import EmailAddress

EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"


class SearchForm(EngageForm):
    email = StringField(
        "Email address",
        description="The address the person used to respond, subscribe or be contacted",
        filters=[strip_whitespace],
        validators=[
            InputRequired("Enter the email address to search for"),
            Length(max=254),
            EmailAddress(EMAIL_MESSAGE),
        ],
    )


class ExportForm(EngageForm):
    email = HiddenField(filters=[strip_whitespace], validators=[InputRequired(), Length(max=254), EmailAddress()])


class EraseForm(EngageForm):
    email = HiddenField(filters=[strip_whitespace], validators=[InputRequired(), Length(max=254), EmailAddress()])
    confirm = BooleanField(
        "I have checked this person's identity and their request to be forgotten, and nothing must be kept",
        validators=[DataRequired("Confirm you have checked the request before erasing")],
    )
