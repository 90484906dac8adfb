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


def field_kind(field):
    """Name the NHS.UK component that draws ``field`` (used by macros/forms.html).

    Checked with isinstance, so subclasses (a ScoreField is a RadioField) draw like their parents.
    """
    from wtforms import fields as f

    kinds = [
        (f.RadioField, "radios"),
        (f.FileField, "file"),
        (f.SelectMultipleField, "checkboxes"),
        (f.SelectField, "select"),
        (f.BooleanField, "checkbox"),
        (f.TextAreaField, "textarea"),
        (f.PasswordField, "password"),
        (f.HiddenField, "hidden"),
        (f.DateField, "date"),
        (f.IntegerField, "number"),
        (f.DecimalField, "number"),
        (f.EmailField, "email"),
        (f.URLField, "url"),
        (f.SearchField, "search"),
        (f.TelField, "tel"),
    ]
    for cls, kind in kinds:
        if isinstance(field, cls):
            return kind
    return "text"
