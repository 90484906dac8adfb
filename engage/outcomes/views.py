"""The outcome: officers write themes and decisions; residents read the public outcome page; staff read
the consultation record (the evidence of a fair consultation, printable).

The summary and publishing stay on consultations.manage_outcome, which shows this workspace.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage import charts
from engage.analysis import queries as analysis_queries
from engage.analysis.breakdowns import closed_question_summaries
from engage.consultations import queries as consultation_queries
from engage.consultations.models import Consultation, ConsultationStatus
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.outcomes import queries, services
from engage.outcomes.forms import (
    DecisionForm,
    EditDecisionForm,
    EditOutcomeThemeForm,
    OutcomeThemeForm,
    ProgressForm,
)
from engage.outcomes.models import OutcomeDecision, OutcomeTheme
from engage.permissions import PUBLIC, Permission, requires
from engage.publishing import queries as publishing_queries
from engage.themes.models import Theme

bp = Blueprint("outcomes", __name__, url_prefix="/consultations")


def _consultation(consultation_id):
    return db.get_or_404(Consultation, consultation_id)


def _outcome_url(consultation_id):
    return url_for("consultations.manage_outcome", consultation_id=consultation_id)


def _entry(consultation, entry_id):
    entry = db.get_or_404(OutcomeTheme, entry_id)
    if entry.consultation_id != consultation.id:
        abort(404)
    return entry


def _decision(consultation, decision_id):
    item = db.get_or_404(OutcomeDecision, decision_id)
    if item.consultation_id != consultation.id:
        abort(404)
    return item


def _form_page(consultation, form, heading, button, status=None, **context):
    if status is None:
        status = 400 if form.is_submitted() else 200
    return render_template(
        "outcomes/form.html", consultation=consultation, form=form, heading=heading, button=button, **context
    ), status


def _themes():
    return db.session.scalars(select(Theme).order_by(Theme.title)).all()


def workspace_context(consultation):
    """What the officer outcome page shows beside the summary form."""
    quotes, withheld = queries.public_quotes(consultation.id)
    return {
        "entries": queries.entries_of(consultation.id),
        "quotes": quotes,
        "withheld": withheld,
        "counts": analysis_queries.counts(consultation.id),
        "coded": queries.coded_themes(consultation.id),
        "action_form": ConfirmForm(formdata=None),
    }


# Themes ----------------------------------------------------------------------------------------


@bp.route("/manage/<int:consultation_id>/outcome/themes/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def add_theme(consultation_id):
    """Add a repository theme to the outcome with what people said about it."""
    consultation = _consultation(consultation_id)
    themes = _themes()
    form = OutcomeThemeForm().setup(themes)
    if request.method == "GET" and request.args.get("theme", "").isdigit():
        form.theme.data = request.args["theme"]
    if form.validate_on_submit():
        theme = db.session.get(Theme, int(form.theme.data))
        try:
            services.add_theme(consultation, theme, actor=current_user, you_said=form.you_said.data)
        except services.OutcomeError as error:
            db.session.rollback()
            form.theme.errors.append(str(error))
        else:
            try:
                db.session.commit()
            except IntegrityError:
                # The same theme added twice at once: the other request stored it.
                db.session.rollback()
                form.theme.errors.append(f"“{theme.title}” is already in this outcome: change it there")
            else:
                flash(f"“{theme.title}” added to the outcome.", "success")
                return redirect(_outcome_url(consultation.id) + "#themes")
    return _form_page(consultation, form, "Add a theme to the outcome", "Add theme", no_themes=not themes)


@bp.route("/manage/<int:consultation_id>/outcome/themes/<int:entry_id>", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def edit_theme(consultation_id, entry_id):
    """Change what people said about a theme."""
    consultation = _consultation(consultation_id)
    entry = _entry(consultation, entry_id)
    form = EditOutcomeThemeForm(obj=entry)
    if form.validate_on_submit():
        services.edit_theme(entry, actor=current_user, you_said=form.you_said.data)
        db.session.commit()
        flash("Saved.", "success")
        return redirect(_outcome_url(consultation.id) + f"#theme-{entry.id}")
    return _form_page(consultation, form, f"What people said: {entry.theme.title}", "Save")


@bp.post("/manage/<int:consultation_id>/outcome/themes/<int:entry_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def remove_theme(consultation_id, entry_id):
    """Remove a theme (and its decisions) from an outcome not yet published."""
    consultation = _consultation(consultation_id)
    entry = _entry(consultation, entry_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_theme(entry, actor=current_user)
        except services.OutcomeError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Theme removed from the outcome.", "success")
    return redirect(_outcome_url(consultation.id) + "#themes")


# Decisions -------------------------------------------------------------------------------------


@bp.route("/manage/<int:consultation_id>/outcome/themes/<int:entry_id>/decisions/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def add_decision(consultation_id, entry_id):
    """Record what was decided about a theme: owner, due date, status."""
    consultation = _consultation(consultation_id)
    entry = _entry(consultation, entry_id)
    form = DecisionForm()
    if not form.is_submitted():
        form.status.data = "planned"
    if form.validate_on_submit():
        try:
            services.add_decision(
                entry,
                actor=current_user,
                decision=form.decision.data,
                owner=form.owner.data,
                due_on=form.due_on.data,
                status=form.status.data,
                progress=form.progress.data or "",
                reason=form.reason.data or "",
            )
        except services.OutcomeError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash("Decision recorded.", "success")
            return redirect(_outcome_url(consultation.id) + f"#theme-{entry.id}")
    return _form_page(consultation, form, f"Record a decision: {entry.theme.title}", "Record decision")


@bp.route("/manage/<int:consultation_id>/outcome/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def edit_decision(consultation_id, decision_id):
    """Correct a decision's wording, owner or due date."""
    consultation = _consultation(consultation_id)
    item = _decision(consultation, decision_id)
    form = EditDecisionForm(obj=item)
    if form.validate_on_submit():
        services.edit_decision(
            item, actor=current_user, decision=form.decision.data, owner=form.owner.data, due_on=form.due_on.data
        )
        db.session.commit()
        flash("Decision saved.", "success")
        return redirect(_outcome_url(consultation.id) + f"#decision-{item.id}")
    return _form_page(consultation, form, "Change a decision", "Save decision")


@bp.route("/manage/<int:consultation_id>/outcome/decisions/<int:decision_id>/progress", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def progress(consultation_id, decision_id):
    """Record a dated update of a decision's status and progress (shown publicly, also after publication)."""
    consultation = _consultation(consultation_id)
    item = _decision(consultation, decision_id)
    form = ProgressForm()
    if not form.is_submitted():
        form.status.data = item.status.value
        form.reason.data = item.reason
    if form.validate_on_submit():
        try:
            services.update_progress(
                item, actor=current_user, status=form.status.data, progress=form.progress.data, reason=form.reason.data
            )
        except services.OutcomeError as error:
            db.session.rollback()
            form.progress.errors.append(str(error))
        else:
            db.session.commit()
            flash("Update recorded. It shows on the outcome with today's date.", "success")
            return redirect(_outcome_url(consultation.id) + f"#decision-{item.id}")
    return _form_page(consultation, form, "Update a decision's progress", "Record update", decision=item)


# Public outcome page ----------------------------------------------------------------------------


@bp.get("/<slug>/outcome")
@requires(PUBLIC)
def public(slug):
    """The published outcome: numbers by channel, closed question charts, themes with decisions and quotes.

    Before the outcome is published, residents are sent to the consultation page.
    """
    consultation = consultation_queries.public_by_slug(slug)
    if consultation is None:
        abort(404)
    if consultation.status != ConsultationStatus.outcome_published:
        return redirect(url_for("consultations.detail", slug=slug))
    by_channel, total = queries.counted_by_channel(consultation.id)
    quotes, _withheld = queries.public_quotes(consultation.id)
    return render_template(
        "outcomes/public.html",
        consultation=consultation,
        by_channel=by_channel,
        total=total,
        channel_chart=charts.bar_chart(by_channel, chart_id="responses-by-channel", title="Responses by channel"),
        summaries=closed_question_summaries(consultation),
        entries=queries.entries_of(consultation.id),
        quotes=quotes,
        published_count=publishing_queries.published_count(consultation.id),
    )


# Consultation record ----------------------------------------------------------------------------


@bp.get("/manage/<int:consultation_id>/record")
@requires(Permission.CONSULTATIONS_READ)
def record(consultation_id):
    """The evidence of a fair consultation on one printable page, for scrutiny (staff only)."""
    consultation = _consultation(consultation_id)
    by_channel, total = queries.counted_by_channel(consultation.id)
    return render_template(
        "outcomes/record.html",
        consultation=consultation,
        by_channel=by_channel,
        total=total,
        counts=analysis_queries.counts(consultation.id),
        coded=queries.coded_themes(consultation.id),
        entries=queries.entries_of(consultation.id),
        history=queries.consultation_history(consultation),
        published_count=publishing_queries.published_count(consultation.id),
    )
