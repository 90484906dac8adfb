"""Forms of the response export page and of marking identifying text answers."""

from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired, Length

from engage.forms import EngageForm, choices, strip_whitespace
from engage.responses.export_models import ExportFormat


class ExportForm(EngageForm):
    format = RadioField(
        "Format",
        choices=choices((f.value, f.label) for f in ExportFormat),
        default=ExportFormat.csv.value,
        validators=[InputRequired("Choose CSV or Excel")],
    )
    equality = BooleanField(
        "Include equality monitoring answers (special category data: only when you need them)",
        default=False,
    )


class FindResponseForm(EngageForm):
    reference = StringField(
        "Response reference",
        filters=[strip_whitespace],
        validators=[InputRequired("Enter the response's reference, like K7MP-4QXD"), Length(max=12)],
    )
