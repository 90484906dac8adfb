"""Consultation pages: the public list and page, .ics events, format requests and email updates; the officers' pages."""

import logging
import smtplib

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from engage import storage
from engage.consultations import queries, services, subscriptions
from engage.consultations.calendar import event_ics
from engage.consultations.forms import (
    ConsultationForm,
    DocumentForm,
    EditDocumentForm,
    EventForm,
    ExtendClosingDateForm,
    FormatRequestForm,
    OutcomeForm,
    PublicFilterForm,
    ReplaceDocumentForm,
    SubscribeForm,
    WithdrawDocumentForm,
)
from engage.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationDocumentVersion,
    ConsultationEvent,
    ConsultationStage,
    ConsultationStatus,
    FormatRequest,
)
from engage.consultations.timing import deadline_words, event_words, holiday_overlaps
from engage.dates import now_utc
from engage.extensions import csrf, db, limiter
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, can, requires
from engage.records.attachments import ACCEPT, content_disposition
from engage.responses.queries import response_count

bp = Blueprint("consultations", __name__, url_prefix="/consultations")
log = logging.getLogger(__name__)


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
    return render_template(
        "consultations/public/detail.html", consultation=consultation, subscribe_form=SubscribeForm(formdata=None)
    )


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


@bp.get("/<slug>/documents/<int:version_id>")
@requires(PUBLIC)
def download_document(slug, version_id):
    """Send an uploaded document, any version of it, of a public consultation.

    Officers who manage consultations may also download those not yet public; everyone else gets 404.
    """
    consultation = queries.by_slug(slug)
    if consultation is None or not (consultation.is_public or can(current_user, Permission.CONSULTATIONS_MANAGE)):
        abort(404)
    version = db.session.get(ConsultationDocumentVersion, version_id)
    if version is None or not version.is_file or version.document.consultation_id != consultation.id:
        abort(404)
    try:
        fh = storage.get_storage().open(version.storage_key)
    except storage.StorageError:
        abort(503)
    response = Response(storage.iter_file(fh), mimetype=version.content_type, direct_passthrough=True)
    response.content_length = version.size
    response.headers["Content-Disposition"] = content_disposition(version.filename, inline=version.is_inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
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
    """Write the outcome (summary, themes, decisions) and publish it, once the responses are analysed.

    The summary form's ``action`` is "save" (a draft, or a correction once published) or "publish";
    without one it publishes an unpublished outcome. Subscribers are emailed after the commit.
    """
    from engage.consultations.reminders import send_outcome_emails
    from engage.outcomes import services as outcome_services
    from engage.outcomes.views import workspace_context

    consultation = db.get_or_404(Consultation, consultation_id)
    published = consultation.outcome_published_at is not None
    form = OutcomeForm(data={"outcome": consultation.outcome})
    if form.validate_on_submit():
        outcome = form.outcome.data.strip()
        action = request.form.get("action") or ("save" if published else "publish")
        if action == "publish" and not published:
            try:
                services.publish_outcome(consultation, actor=current_user, outcome=outcome)
            except services.TransitionError as error:
                db.session.rollback()
                form.outcome.errors.append(str(error))
            else:
                db.session.commit()
                sent = send_outcome_emails(consultation)
                flash("Outcome published.", "success")
                if sent.failed:
                    flash(
                        f"{sent.failed:,} subscriber emails could not be sent just now: "
                        "`flask consultations remind` will try them again.",
                        "warning",
                    )
                return redirect(url_for(".manage_detail", consultation_id=consultation_id))
        else:
            outcome_services.save_summary(consultation, actor=current_user, outcome=outcome)
            db.session.commit()
            flash("Summary saved." if not published else "Summary updated on the public outcome page.", "success")
            return redirect(url_for(".manage_outcome", consultation_id=consultation_id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "outcomes/manage.html", consultation=consultation, form=form, **workspace_context(consultation)
    ), status


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


COULD_NOT_STORE = "The file could not be saved just now. Nothing was stored: try again later"


def _document_form_page(consultation, form, heading, button, document=None):
    status = 200
    if form.is_submitted():
        store_failed = "file" in form and COULD_NOT_STORE in form.file.errors
        status = 503 if store_failed else 400
    return render_template(
        "consultations/manage/document_form.html",
        consultation=consultation,
        document=document,
        form=form,
        heading=heading,
        button=button,
        accept=ACCEPT,
    ), status


def _store(form, write):
    """Run ``write(batch)`` and commit, removing any stored file again if either fails.

    :return: what ``write`` returned; None, with an error on the form, when the file store refused the file.
    """
    try:
        with storage.batch() as batch:
            result = write(batch)
            db.session.commit()
    except storage.StorageError:
        db.session.rollback()
        form.file.errors = [COULD_NOT_STORE]
        return None
    return result


def load_document(consultation_id, document_id):
    """Return the document, or 404 if it belongs to another consultation."""
    document = db.get_or_404(ConsultationDocument, document_id)
    if document.consultation_id != consultation_id:
        abort(404)
    return document


def _documents_url(consultation_id):
    return url_for(".manage_detail", consultation_id=consultation_id) + "#documents"


def _not_changeable(document):
    """Why a new version or a withdrawal is not on offer for ``document`` now, or None when it is."""
    if not document.is_frozen:
        return "Nothing has been published yet: until the consultation opens, edit or remove the document"
    if document.is_withdrawn:
        return "This document has been withdrawn: add a new document instead"
    return None


@bp.route("/manage/<int:consultation_id>/documents/new", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_add_document(consultation_id):
    """Add a document: an uploaded file (checked by content) or a link."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = DocumentForm()
    if form.validate_on_submit() and _store(
        form,
        lambda batch: services.add_document(
            consultation, actor=current_user, batch=batch, **form.values(), **form.source()
        ),
    ):
        flash("Document added.", "success")
        return redirect(_documents_url(consultation_id))
    return _document_form_page(consultation, form, "Add a document", "Add document")


@bp.route("/manage/<int:consultation_id>/documents/<int:document_id>/edit", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_edit_document(consultation_id, document_id):
    """Change a document in place: only before the consultation opens."""
    document = load_document(consultation_id, document_id)
    if document.is_frozen:
        flash(services.FROZEN, "error")
        return redirect(_documents_url(consultation_id))
    form = EditDocumentForm(obj=document)
    if form.validate_on_submit():
        try:
            unused = _store(
                form,
                lambda batch: services.edit_document(
                    document, actor=current_user, batch=batch, **form.values(), **form.source()
                ),
            )
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(_documents_url(consultation_id))
        if unused is not None:
            storage.delete_quietly(unused)
            flash("Document updated.", "success")
            return redirect(_documents_url(consultation_id))
    return _document_form_page(document.consultation, form, "Edit a document", "Save document", document)


@bp.route("/manage/<int:consultation_id>/documents/<int:document_id>/replace", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_replace_document(consultation_id, document_id):
    """Publish a new dated version of a published document; the earlier ones stay available."""
    document = load_document(consultation_id, document_id)
    if request.method == "GET" and (reason := _not_changeable(document)):
        flash(reason, "error")
        return redirect(_documents_url(consultation_id))
    form = ReplaceDocumentForm()
    if form.validate_on_submit():
        try:
            saved = _store(
                form,
                lambda batch: services.replace_document(
                    document, actor=current_user, batch=batch, note=(form.note.data or "").strip(), **form.source()
                ),
            )
        except services.TransitionError as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            if saved is not None:
                flash("New version published. The earlier version stays in the document history.", "success")
                return redirect(_documents_url(consultation_id))
    return _document_form_page(document.consultation, form, "Replace a document", "Publish new version", document)


@bp.route("/manage/<int:consultation_id>/documents/<int:document_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_withdraw_document(consultation_id, document_id):
    """Withdraw a published document from now on; it stays in the document history, dated."""
    document = load_document(consultation_id, document_id)
    if request.method == "GET" and (reason := _not_changeable(document)):
        flash(reason, "error")
        return redirect(_documents_url(consultation_id))
    form = WithdrawDocumentForm()
    if form.validate_on_submit():
        try:
            services.withdraw_document(document, actor=current_user, note=(form.note.data or "").strip())
        except services.TransitionError as error:
            db.session.rollback()
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash("Document withdrawn. It stays in the document history.", "success")
            return redirect(_documents_url(consultation_id))
    return _document_form_page(document.consultation, form, "Withdraw a document", "Withdraw document", document)


@bp.post("/manage/<int:consultation_id>/documents/<int:document_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def manage_remove_document(consultation_id, document_id):
    """Remove a document that was never published: the rows first, then (after the commit) its files."""
    document = load_document(consultation_id, document_id)
    if ConfirmForm().validate_on_submit():
        try:
            keys = services.remove_document(document, actor=current_user)
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            storage.delete_quietly(keys)
            flash("Document removed.", "success")
    return redirect(_documents_url(consultation_id))


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


# Email updates: subscribe (double opt-in), confirm, unsubscribe ------------------------------


def subscribe_limit():
    return current_app.config["SUBSCRIBE_RATE_LIMIT"]


def takes_subscriptions(consultation):
    """Updates are offered until the outcome is published (there is nothing to tell after that)."""
    return consultation.status != ConsultationStatus.outcome_published


@bp.route("/<slug>/subscribe", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(subscribe_limit, methods=["POST"])
def subscribe(slug):
    """Ask for email updates on a consultation: we email a link, and only a confirmed address gets updates.

    The answer is the same whether or not the address was subscribed already, so nobody can use the form
    to find out who follows a consultation.
    """
    consultation = load_public(slug)
    if not takes_subscriptions(consultation):
        flash("The outcome of this consultation has been published, so there are no more updates to send.", "info")
        return redirect(url_for(".detail", slug=slug))
    form = SubscribeForm()
    if form.validate_on_submit():
        # A filled-in honeypot is a bot: answer as usual, store and send nothing.
        if not form.website.data:
            subscription_request = subscriptions.subscribe(consultation, form.email.data)
            db.session.commit()
            try:
                subscriptions.send_request_email(subscription_request)
            except (smtplib.SMTPException, OSError) as error:
                log.warning(
                    "Subscription email for consultation %s not sent: %s", consultation.id, type(error).__name__
                )
                subscriptions.sending_failed(subscription_request)
                db.session.commit()
                flash("Sorry, we could not send the email just now. Please try again later.", "error")
                return redirect(url_for(".subscribe", slug=slug))
        return redirect(url_for(".subscribe_sent", slug=slug))
    status = 400 if form.is_submitted() else 200
    return render_template("consultations/public/subscribe.html", consultation=consultation, form=form), status


@bp.get("/<slug>/subscribe/check-your-email")
@requires(PUBLIC)
def subscribe_sent(slug):
    """Tell the resident to look for the confirmation email (the same words for every address)."""
    consultation = load_public(slug)
    return render_template("consultations/public/subscribe_sent.html", consultation=consultation)


def _bad_link(heading):
    return render_template("consultations/public/subscription_link_invalid.html", heading=heading), 400


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def confirm_subscription(token):
    """Confirm an email subscription from the emailed link: a button, so a mail scanner opening the
    link confirms nothing."""
    subscription = subscriptions.by_confirm_token(token)
    if subscription is None:
        return _bad_link("This confirmation link does not work")
    consultation = subscription.consultation
    form = ConfirmForm()
    if subscription.confirmed_at is None and form.validate_on_submit():
        subscriptions.confirm(subscription)
        db.session.commit()
    if subscription.confirmed_at is not None:
        return render_template("consultations/public/subscribed.html", consultation=consultation)
    return render_template(
        "consultations/public/subscription_confirm.html", consultation=consultation, form=form
    ), 400 if form.is_submitted() else 200


@bp.route("/subscriptions/unsubscribe/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def unsubscribe(token):
    """Stop email updates from the link in any of our emails: one click to this page, then a button."""
    subscription = subscriptions.by_unsubscribe_token(token)
    if subscription is None:
        return _bad_link("This unsubscribe link does not work")
    consultation = subscription.consultation
    form = ConfirmForm()
    if subscription.unsubscribed_at is None and form.validate_on_submit():
        subscriptions.unsubscribe(subscription)
        db.session.commit()
    if subscription.unsubscribed_at is not None:
        return render_template("consultations/public/unsubscribed.html", consultation=consultation)
    return render_template(
        "consultations/public/unsubscribe.html", consultation=consultation, form=form
    ), 400 if form.is_submitted() else 200


@bp.post("/subscriptions/unsubscribe/<token>/one-click")
@requires(PUBLIC)
@csrf.exempt
def unsubscribe_one_click(token):
    """RFC 8058 one-click unsubscribe, posted by mail programs from the List-Unsubscribe header.

    No CSRF token: the mail program has none, and the unguessable token in the address is what
    proves the request came from the email. Unsubscribing is the only thing it can do.
    """
    subscription = subscriptions.by_unsubscribe_token(token)
    if subscription is None:
        return "This unsubscribe link does not work.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
    subscriptions.unsubscribe(subscription)
    db.session.commit()
    return "You have unsubscribed.\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
