"""Sign-in, password and API token forms."""

from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from engage.accounts.models import TokenScope
from engage.accounts.passwords import MAX_LENGTH, policy_problems
from engage.forms import EngageForm, choices, strip_whitespace


class SignInForm(EngageForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=MAX_LENGTH)])


class ChangePasswordForm(EngageForm):
    """Current password, then the new one twice."""

    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password")])
    new_password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a strong password.",
        validators=[DataRequired("Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new_password(self, field):
        problems = policy_problems(field.data or "", email=self.user.email, name=self.user.name)
        if problems:
            raise ValidationError(problems[0])


#: How long a new API token lasts, in days, as offered on the account page.
TOKEN_LIFETIMES = {"7": "7 days", "30": "30 days", "90": "90 days", "365": "1 year"}


class ApiTokenForm(EngageForm):
    """Create a personal API token: a name, a scope and how long it lasts."""

    name = StringField(
        "Token name",
        description="What the token is for, for example 'Healthwatch dashboard'",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter a name for the token"), Length(max=80, message="Use 80 characters or fewer")],
    )
    scope = RadioField(
        "What the token may do",
        choices=choices((s.value, s.label) for s in TokenScope),
        default=TokenScope.read.value,
        validators=[DataRequired("Choose what the token may do")],
    )
    expires_in = SelectField(
        "Expires after",
        choices=choices(TOKEN_LIFETIMES.items()),
        default="90",
        validators=[DataRequired("Choose when the token expires")],
    )
    field_order = ("name", "scope", "expires_in")

    def validate_scope(self, field):
        if field.data not in TokenScope.__members__:
            raise ValidationError("Choose what the token may do from the list")

    def expires_at(self):
        """The moment the token stops working."""
        from datetime import timedelta

        from engage.dates import now_utc

        return now_utc() + timedelta(days=int(self.expires_in.data))


class TwoFactorCodeForm(EngageForm):
    """A 6-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        "Code",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter the code"), Length(max=40, message="Enter the code")],
    )


class TurnOffTwoFactorForm(EngageForm):
    """Turning two-factor sign-in off needs a current code or the password."""

    proof = PasswordField(
        "Your password, or a code from your authenticator app",
        validators=[DataRequired("Enter your password or a code from your app"), Length(max=MAX_LENGTH)],
    )
