"""The floor for the survey benchmark: the least a Flask app can do to take a ten-field survey.

Flask + Flask-SQLAlchemy + Flask-WTF: GET / renders a form of ten fields with a CSRF token, POST /
validates it and inserts one row, then redirects. No templates on disk, no permissions, no audit,
no journey. It exists only for bench/survey_responses.py and is never part of the app.

    DATABASE_URL=sqlite:////tmp/floor.sqlite SECRET_KEY=x gunicorn -w 2 bench.survey_floor:app
"""

import os

from flask import Flask, redirect, render_template_string
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "floor"),
    SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", "sqlite://"),
    WTF_CSRF_TIME_LIMIT=None,
)
db = SQLAlchemy(app)


if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
    # The same SQLite settings as the app (engage/db.py), so both pay the same for a commit.
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=NORMAL", "wal_autocheckpoint=10000"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()


CHOICES = [("1", "One"), ("2", "Two"), ("3", "Three")]


class FloorResponse(db.Model):
    __tablename__ = "floor_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    short: Mapped[str] = mapped_column(String(500))
    long: Mapped[str] = mapped_column(Text)
    single: Mapped[str] = mapped_column(String(10))
    multiple: Mapped[str] = mapped_column(String(100))
    likert: Mapped[str] = mapped_column(String(10))
    rating: Mapped[int] = mapped_column(Integer)
    yes_no: Mapped[str] = mapped_column(String(3))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[str] = mapped_column(String(10))
    postcode: Mapped[str] = mapped_column(String(8))


class SurveyForm(FlaskForm):
    short = StringField(validators=[DataRequired(), Length(max=500)])
    long = TextAreaField(validators=[Optional(), Length(max=10_000)])
    single = RadioField(choices=CHOICES)
    multiple = SelectMultipleField(choices=CHOICES)
    likert = RadioField(choices=CHOICES)
    rating = IntegerField(validators=[NumberRange(1, 5)])
    yes_no = RadioField(choices=[("yes", "Yes"), ("no", "No")])
    number = IntegerField(validators=[NumberRange(0, 120)])
    date = DateField()
    postcode = StringField(validators=[Regexp(r"^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$")])


PAGE = """<!doctype html><html lang="en"><title>Survey</title><form method="post">{{ form.csrf_token }}
{% for field in form if field.name != "csrf_token" %}<p>{{ field.label }} {{ field() }}
{% for error in field.errors %}<span>{{ error }}</span>{% endfor %}</p>{% endfor %}
<button>Send</button></form>{% if ref %}<p id="reference">{{ ref }}</p>{% endif %}</html>"""


@app.route("/", methods=["GET", "POST"])
def survey():
    form = SurveyForm()
    if form.validate_on_submit():
        row = FloorResponse(
            **{name: form.data[name] for name in ("short", "long", "single", "likert", "rating", "yes_no", "number")},
            multiple=",".join(form.multiple.data),
            date=form.date.data.isoformat(),
            postcode=form.postcode.data.upper(),
        )
        db.session.add(row)
        db.session.commit()
        return redirect(f"/done/{row.id}", 303)
    return render_template_string(PAGE, form=form, ref=None), 400 if form.errors else 200


@app.get("/done/<int:ref>")
def done(ref):
    return render_template_string(PAGE, form=SurveyForm(), ref=ref)


@app.cli.command("create-tables")
def create_tables():
    db.drop_all()
    db.create_all()


#: Field values the benchmark posts (with the CSRF token).
ANSWERS = {
    "short": "Better evening appointments",
    "long": "It took three weeks to see someone. " * 10,
    "single": "2",
    "multiple": ["1", "3"],
    "likert": "1",
    "rating": "4",
    "yes_no": "yes",
    "number": "42",
    "date": "2024-03-01",
    "postcode": "ME14 1XX",
}
#: The same as the (name, value) pairs a browser posts.
FIELDS = [
    (name, value) for name, values in ANSWERS.items() for value in (values if isinstance(values, list) else [values])
]
