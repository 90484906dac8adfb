"""The form base every Engage form inherits, and the shared ConfirmForm for POST-only actions."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


def strip_nul(value):
    """Drop NUL characters: PostgreSQL text columns refuse them, and no person types one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def choices(pairs):
    """Turn ``(value, label)`` pairs into the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_whitespace(value):
    """Trim surrounding white space from text input."""
    if isinstance(value, str):
        return value.strip()
    return value


class EngageForm(FlaskForm):
    """FlaskForm (CSRF on) whose text fields never carry NUL characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [strip_nul, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)


class ConfirmForm(EngageForm):
    """A form with no fields, so actions such as sign-out or delete still carry a CSRF token."""
