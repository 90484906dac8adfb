"""Sign-in and password forms."""

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from engage.accounts.passwords import MAX_LENGTH, policy_problems
from engage.forms import EngageForm, strip_whitespace


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
