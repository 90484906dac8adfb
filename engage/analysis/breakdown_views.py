"""Officers' analysis pages of a consultation: closed questions, cross-tabulation, equality monitoring
(in aggregate, small groups withheld), representativeness, and a CSV of those tables.

Officers only (CONSULTATIONS_MANAGE): the equality breakdowns are special category data, so reviewers
do not see them. Nothing here changes data; the CSV download is written to the audit log.
"""

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import Optional

from engage import audit, charts
from engage.analysis import breakdowns, queries
from engage.consultations.models import Consultation
from engage.exports import csv_response
from engage.extensions import db
from engage.forms import EngageForm, choices
from engage.permissions import Permission, requires
from engage.responses import queries as response_queries

bp = Blueprint("breakdowns", __name__, url_prefix="/consultations/manage/<int:consultation_id>/analysis")


class CrossTabForm(EngageForm):
    """Which closed question, broken down by what (a GET form: the choice is in the address)."""

    class Meta:
        csrf = False

    question = SelectField("Question", validators=[Optional()], validate_choice=False)
    by = SelectField(
        "Break down by",
        choices=choices((key, label) for key, (label, _suppressed) in breakdowns.DIMENSIONS.items()),
        validators=[Optional()],
        validate_choice=False,
    )

    def setup(self, survey):
        self.question.choices = choices(
            [("", "Choose a question")] + [(str(q.id), q.text) for q in breakdowns.closed_questions(survey)]
        )
        return self


@bp.context_processor
def _marker():
    return {"not_shown_marker": breakdowns.NOT_SHOWN}


def _consultation(consultation_id):
    return db.get_or_404(Consultation, consultation_id)


def _cross_tab(consultation, survey, args):
    """(form, table or None, error message or None) for the cross-tabulation in the query string."""
    form = CrossTabForm(args).setup(survey)
    if not form.question.data and not args.get("by"):
        return form, None, None
    if not form.question.data:
        return form, None, "Choose a question to cross-tabulate."
    try:
        table = breakdowns.cross_tab(consultation, form.question.data, form.by.data or "", survey=survey)
    except breakdowns.CrossTabError as error:
        return form, None, str(error)
    return form, table, None


@bp.get("")
@requires(Permission.CONSULTATIONS_MANAGE)
def questions(consultation_id):
    """Counts and percentages of every closed question, each with a chart and its table."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    return render_template(
        "analysis/breakdowns.html",
        consultation=consultation,
        survey=survey,
        summaries=breakdowns.closed_question_summaries(consultation, survey),
        form=CrossTabForm(formdata=None).setup(survey),
        counts=queries.counts(consultation.id),
        section="questions",
    )


@bp.get("/cross-tab")
@requires(Permission.CONSULTATIONS_MANAGE)
def cross_tab(consultation_id):
    """A closed question's answers by place, age band, responding as, or channel (``?question=&by=``)."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    form, table, error = _cross_tab(consultation, survey, request.args)
    return render_template(
        "analysis/cross_tab.html",
        consultation=consultation,
        form=form,
        table=table,
        error=error,
        minimum=breakdowns.min_group_size(),
        counts=queries.counts(consultation.id),
        section="cross_tab",
    ), (400 if error else 200)


@bp.get("/equality")
@requires(Permission.CONSULTATIONS_MANAGE)
def equality(consultation_id):
    """The equality monitoring answers in aggregate, groups under the minimum size withheld."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    return render_template(
        "analysis/equality.html",
        consultation=consultation,
        distributions=breakdowns.equality_summary(consultation, survey),
        minimum=breakdowns.min_group_size(),
        counts=queries.counts(consultation.id),
        section="equality",
    )


@bp.get("/representativeness")
@requires(Permission.CONSULTATIONS_MANAGE)
def representativeness(consultation_id):
    """Respondents against the population of the places consulted, under-represented groups flagged."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    return render_template(
        "analysis/representativeness.html",
        consultation=consultation,
        tables=breakdowns.representativeness(consultation, survey),
        minimum=breakdowns.min_group_size(),
        ratio=round(breakdowns.UNDER_REPRESENTED_RATIO * 100),
        counts=queries.counts(consultation.id),
        section="representativeness",
    )


def _csv_rows(consultation, survey, cross):
    """Long-format rows: table, question or group, answer, count, percent. Withheld figures say so."""
    shown = breakdowns.NOT_SHOWN
    for summary in breakdowns.closed_question_summaries(consultation, survey):
        for option in summary.options:
            yield ["Closed question", summary.text, option.label, option.count, option.percent]
        yield ["Closed question", summary.text, "Answered", summary.answered, ""]
    for dist in breakdowns.equality_summary(consultation, survey):
        for label, figure in dist.rows:
            yield ["Equality monitoring", dist.question.text, label] + (
                [shown, shown] if figure.hidden else [figure.count, figure.percent]
            )
        yield ["Equality monitoring", dist.question.text, "Answered", dist.answered, ""]
    for table in breakdowns.representativeness(consultation, survey):
        if table.problem:
            yield ["Representativeness", table.title, table.problem, "", ""]
            continue
        for row in table.rows:
            flag = {"under": "under-represented", "ok": "", "unknown": "cannot tell"}[row.flag]
            yield (
                ["Representativeness", table.title, row.label]
                + ([shown, shown] if row.respondents.hidden else [row.respondents.count, row.respondents.percent])
                + [row.population, row.population_percent, flag]
            )
    if cross is not None:
        name = f"Cross-tabulation by {cross.by_label.lower()}"
        for row in cross.rows:
            for column, cell in zip(cross.columns, row.cells, strict=True):
                yield [name, f"{cross.question.text}: {row.label}", column] + (
                    [shown, shown] if cell.hidden else [cell.count, "" if cell.percent is None else cell.percent]
                )
            yield [
                name,
                f"{cross.question.text}: {row.label}",
                "Answered",
                shown if row.total.hidden else row.total.count,
                "",
            ]


@bp.get("/tables.csv")
@requires(Permission.CONSULTATIONS_MANAGE)
def export_csv(consultation_id):
    """The analysis tables as one CSV (with the cross-tabulation in the address, if any), suppression applied."""
    consultation = _consultation(consultation_id)
    survey = response_queries.survey_for(consultation.id)
    _form, cross, _error = _cross_tab(consultation, survey, request.args)
    audit.record(current_user, "export", consultation, ["format:csv", "analysis_tables"])
    db.session.commit()
    header = [
        "Table",
        "Question or group",
        "Answer or group",
        "Respondents",
        "Percent",
        "Population",
        "Population percent",
        "Flag",
    ]
    rows = list(_csv_rows(consultation, survey, cross))
    return csv_response(f"analysis-{consultation.slug}.csv", header, rows)


@bp.app_template_global()
def analysis_url(consultation_id):
    """The analysis pages' address, for links from the officers' consultation and responses pages."""
    return url_for("breakdowns.questions", consultation_id=consultation_id)


@bp.app_template_global()
def closed_question_chart(summary, chart_id):
    """The bar chart of a breakdowns.QuestionSummary (for analysis/_closed_question.html, on any page)."""
    return charts.bar_chart(
        [(o.label, o.count) for o in summary.options], chart_id=chart_id, title=f"Answers to: {summary.text}"
    )


@bp.app_template_global()
def shown_figures_chart(rows, chart_id, title):
    """A bar chart of the figures shown: withheld groups are left out, and the description says so."""
    return charts.bar_chart(
        rows,
        chart_id=chart_id,
        title=title,
        desc="The table beside the chart gives the same figures. Groups not shown in the table are left out.",
    )
