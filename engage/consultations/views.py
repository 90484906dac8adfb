"""Consultation pages: the public list and page, .ics events and format requests; the officers' pages."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from engage.consultations import queries, services
from engage.consultations.calendar import event_ics
from engage.consultations.forms import (
    ConsultationForm,
    DocumentForm,
    EventForm,
    ExtendClosingDateForm,
    FormatRequestForm,
    OutcomeForm,
    PublicFilterForm,
)
from engage.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationEvent,
    ConsultationStage,
    FormatRequest,
)
from engage.consultations.timing import deadline_words, event_words, holiday_overlaps
from engage.dates import now_utc
from engage.extensions import db, limiter
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, requires
from engage.responses.queries import response_count

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def _deadline(consultation):
    return deadline_words(consultation.opens_at, consultation.closes_at, now_utc())


@bp.app_context_processor
def inject_deadline():
    return {"consultation_deadline": _deadline, "event_when": lambda e: event_words(e.starts_at, e.ends_at)}


# Public pages ---------------------------------------------------------------------------------


def load_public(slug):
    """Return the consultation residents may see at ``slug``, or 404 (drafts and scheduled ones too)."""
    consultation = queries.public_by_slug(slug)
    if consultation is None:
        abort(404)
    return consultation


@bp.get("/")
@requires(PUBLIC)
def index():
    """List the public consultations, open first, filtered by place and topic from the URL."""
    form = PublicFilterForm(request.args)
    return render_template(
        "consultations/public/index.html", form=form, consultations=queries.public_consultations(form.to_filter())
    )


@bp.get("/<slug>")
@requires(PUBLIC)
def detail(slug):
    """Show a consultation to residents: proposals, documents, how to respond, events, the deadline."""
    consultation = load_public(slug)
    return render_template("consultations/public/detail.html", consultation=consultation)


@bp.get("/<slug>/events/<int:event_id>.ics")
@requires(PUBLIC)
def event_calendar(slug, event_id):
    """Download one event as an .ics calendar entry."""
    consultation = load_public(slug)
    event = db.get_or_404(ConsultationEvent, event_id)
    if event.consultation_id != consultation.id:
        abort(404)
    response = make_response(event_ics(event, url_for(".detail", slug=slug, _external=True)))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-event-{event.id}.ics"'
    return response


def format_request_limit():
    return current_app.config["FORMAT_REQUEST_RATE_LIMIT"]


@bp.route("/<slug>/request-a-format", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(format_request_limit, methods=["POST"])
def request_format(slug):
    """Ask for the consultation in easy read, large print, another language or BSL."""
    consultation = load_public(slug)
    form = FormatRequestForm()
    if form.validate_on_submit():
        # A filled-in honeypot is a bot: thank it as usual, store nothing.
        if not form.website.data:
            services.request_format(consultation, **form.values())
            db.session.commit()
        flash("Thank you. We have your request and will contact you to send it.", "success")
        return redirect(url_for(".detail", slug=slug))
    status = 400 if form.is_submitted() else 200
    return render_template("consultations/public/request_format.html", consultation=consultation, form=form), status


# Officers' pages ------------------------------------------------------------------------------


@bp.get("/manage/")
@requires(Permission.CONSULTATIONS_READ)
def manage_index():
    """List every consultation with its status, for staff."""
    return render_template("consultations/manage/index.html", consultations=queries.all_consultations())


@bp.route("/manage/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_new():
    """Create a draft consultation."""
    form = ConsultationForm(slug_taken=queries.slug_taken)
    if form.validate_on_submit():
        consultation = services.create_consultation(actor=current_user, **form.values())
        db.session.commit()
        flash("Draft consultation saved.", "success")
        return redirect(url_for(".manage_detail", consultation_id=consultation.id))
    return _render_form(form, None)


def _render_form(form, consultation):
    dates = form.instants or (
        {"opens_at": consultation.opens_at, "closes_at": consultation.closes_at} if consultation else {}
    )
    warnings = holiday_overlaps(dates.get("opens_at"), dates.get("closes_at"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "consultations/manage/form.html", form=form, consultation=consultation, warnings=warnings
    ), status


@bp.get("/manage/<int:consultation_id>")
@requires(Permission.CONSULTATIONS_READ)
def manage_detail(consultation_id):
    """Show a consultation to staff: status, dates, holiday warnings, events, documents, requests, log."""
    consultation = db.get_or_404(Consultation, consultation_id)
    return render_template(
        "consultations/manage/detail.html",
        consultation=consultation,
        warnings=holiday_overlaps(consultation.opens_at, consultation.closes_at),
        action_form=ConfirmForm(formdata=None),
        response_count=response_count(consultation.id),
    )


@bp.route("/manage/<int:consultation_id>/edit", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_edit(consultation_id):
    """Edit a consultation's details (its address and dates only while a draft)."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ConsultationForm(
        obj=consultation,
        slug_taken=lambda slug: queries.slug_taken(slug, exclude_id=consultation.id),
        dates_locked=consultation.stage != ConsultationStage.draft,
    )
    if form.validate_on_submit():
        services.update_consultation(consultation, actor=current_user, **form.values())
        db.session.commit()
        flash("Consultation updated.", "success")
        return redirect(url_for(".manage_detail", consultation_id=consultation.id))
    return _render_form(form, consultation)


TRANSITIONS = {
    "ready": (services.mark_ready, "The consultation is ready: it opens and closes by itself at its dates."),
    "draft": (services.return_to_draft, "The consultation is a draft again."),
    "analysing": (services.start_analysis, "Marked as analysing responses."),
}


@bp.post("/manage/<int:consultation_id>/<any(ready, draft, analysing):stage>")
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_transition(consultation_id, stage):
    """Mark ready, return to draft, or start analysis."""
    consultation = db.get_or_404(Consultation, consultation_id)
    if ConfirmForm().validate_on_submit():
        service, message = TRANSITIONS[stage]
        try:
            service(consultation, actor=current_user)
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for(".manage_detail", consultation_id=consultation_id))


@bp.route("/manage/<int:consultation_id>/outcome", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_outcome(consultation_id):
    """Publish the outcome of a consultation whose responses have been analysed."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.publish_outcome(consultation, actor=current_user, outcome=form.outcome.data.strip())
        except services.TransitionError as error:
            db.session.rollback()
            form.outcome.errors.append(str(error))
        else:
            db.session.commit()
            flash("Outcome published.", "success")
            return redirect(url_for(".manage_detail", consultation_id=consultation_id))
    return _sub_form(consultation, form, "Publish the outcome", "Publish outcome")


def _sub_form(consultation, form, heading, button):
    status = 400 if form.is_submitted() else 200
    return render_template(
        "consultations/manage/sub_form.html", consultation=consultation, form=form, heading=heading, button=button
    ), status


@bp.route("/manage/<int:consultation_id>/extend", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_extend(consultation_id):
    """Move the closing date later, with a reason (logged)."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ExtendClosingDateForm()
    if not form.is_submitted():
        form.fill_london("closes", consultation.closes_at)
    if form.validate_on_submit():
        try:
            services.extend_closing_date(
                consultation, actor=current_user, new_closes_at=form.new_closes_at, reason=form.reason.data.strip()
            )
        except services.TransitionError as error:
            db.session.rollback()
            form.closes_time.errors.append(str(error))
        else:
            db.session.commit()
            flash("Closing date extended.", "success")
            return redirect(url_for(".manage_detail", consultation_id=consultation_id))
    return _sub_form(consultation, form, "Extend the closing date", "Extend closing date")


@bp.route("/manage/<int:consultation_id>/events/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_add_event(consultation_id):
    """Add an event (date, times in UK time, venue)."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = EventForm()
    if form.validate_on_submit():
        services.add_event(consultation, actor=current_user, **form.values())
        db.session.commit()
        flash("Event added.", "success")
        return redirect(url_for(".manage_detail", consultation_id=consultation_id) + "#events")
    return _sub_form(consultation, form, "Add an event", "Add event")


@bp.post("/manage/<int:consultation_id>/events/<int:event_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_remove_event(consultation_id, event_id):
    """Remove an event."""
    event = db.get_or_404(ConsultationEvent, event_id)
    if event.consultation_id != consultation_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_event(event, actor=current_user)
        db.session.commit()
        flash("Event removed.", "success")
    return redirect(url_for(".manage_detail", consultation_id=consultation_id) + "#events")


@bp.route("/manage/<int:consultation_id>/documents/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_add_document(consultation_id):
    """Add a link to a consultation document."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = DocumentForm()
    if form.validate_on_submit():
        services.add_document(consultation, actor=current_user, **form.values())
        db.session.commit()
        flash("Document added.", "success")
        return redirect(url_for(".manage_detail", consultation_id=consultation_id) + "#documents")
    return _sub_form(consultation, form, "Add a document", "Add document")


@bp.post("/manage/<int:consultation_id>/documents/<int:document_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_remove_document(consultation_id, document_id):
    """Remove a document link."""
    document = db.get_or_404(ConsultationDocument, document_id)
    if document.consultation_id != consultation_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_document(document, actor=current_user)
        db.session.commit()
        flash("Document removed.", "success")
    return redirect(url_for(".manage_detail", consultation_id=consultation_id) + "#documents")


@bp.post("/manage/<int:consultation_id>/requests/<int:request_id>/fulfil")
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_fulfil_request(consultation_id, request_id):
    """Mark an alternative format request as fulfilled."""
    format_request = db.get_or_404(FormatRequest, request_id)
    if format_request.consultation_id != consultation_id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.fulfil_format_request(format_request, actor=current_user)
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Request marked as fulfilled.", "success")
    return redirect(url_for(".manage_detail", consultation_id=consultation_id) + "#requests")
