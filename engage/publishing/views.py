"""Publishing responses: officers moderate and redact; residents read the published responses.

Officers' pages need CONSULTATIONS_READ to look and CONSULTATIONS_MANAGE to change anything. A
response whose respondent said "do not publish" can never be published.
"""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from engage.analysis import queries as analysis_queries
from engage.consultations import queries as consultation_queries
from engage.consultations.models import Consultation
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, can, requires
from engage.publishing import queries, services
from engage.publishing.forms import DecisionForm, RedactForm
from engage.publishing.models import ResponseRedaction
from engage.publishing.redaction import redacted_text
from engage.responses.models import Answer

bp = Blueprint("publishing", __name__, url_prefix="/consultations")

NOT_VISIBLE = "This response is not part of this consultation, or you cannot see it."


def _consultation(consultation_id):
    return db.get_or_404(Consultation, consultation_id)


def _response(consultation, response_id):
    response = analysis_queries.response_in(consultation.id, response_id)
    if response is None:
        abort(
            make_response(
                render_template("analysis/not_visible.html", consultation=consultation, message=NOT_VISIBLE), 404
            )
        )
    return response


def _not_visible(consultation, message, status, response=None):
    return render_template(
        "analysis/not_visible.html", consultation=consultation, message=message, response=response
    ), status


@bp.get("/manage/<int:consultation_id>/responses/publication")
@requires(Permission.CONSULTATIONS_READ)
def queue(consultation_id):
    """Responses whose respondents agreed to publication: waiting, published, not published; and refused."""
    consultation = _consultation(consultation_id)
    state = request.args.get("state", "waiting")
    if state not in queries.QUEUE_FILTERS:
        state = "waiting"
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "publishing/queue.html",
        consultation=consultation,
        state=state,
        page=queries.queue_page(consultation.id, state, page),
        counts=queries.queue_counts(consultation.id),
    )


def _review_page(consultation, response, form, status=200):
    redactions = queries.redactions_of(response.id)
    ranges = queries.ranges_by_answer([response.id])
    full = analysis_queries.response_full(response.id)
    return render_template(
        "publishing/review.html",
        consultation=consultation,
        response=full,
        publication=queries.publication_of(response.id),
        redactions=redactions,
        published=queries.published_answers(full, ranges),
        attribution=queries.attribution(full),
        written=[a for a in full.answers if a.question.kind in queries.REDACTABLE and a.text],
        form=form,
        action_form=ConfirmForm(formdata=None),
        manage=can(current_user, Permission.CONSULTATIONS_MANAGE),
        consented=full.publish_consent in queries.PUBLISHABLE_CONSENTS,
    ), status


@bp.get("/manage/<int:consultation_id>/responses/<int:response_id>/publication")
@requires(Permission.CONSULTATIONS_READ)
def review(consultation_id, response_id):
    """A response as it would be published (redactions applied), its redactions, and the decision."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    return _review_page(consultation, response, DecisionForm(formdata=None))


@bp.post("/manage/<int:consultation_id>/responses/<int:response_id>/publication")
@requires(Permission.CONSULTATIONS_MANAGE)
def decide(consultation_id, response_id):
    """Publish the response, or decide not to (``action`` = publish or reject)."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    form = DecisionForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("publish", "reject"):
        if action not in ("publish", "reject") and not form.errors:
            form.note.errors.append("Choose whether to publish the response")
        db.session.rollback()
        return _review_page(consultation, response, form, 400)
    try:
        if action == "publish":
            services.publish(response, actor=current_user)
        else:
            services.reject(response, actor=current_user, note=form.note.data)
    except services.PublishingError as error:
        db.session.rollback()
        form.note.errors.append(str(error))
        return _review_page(consultation, response, form, 400)
    try:
        db.session.commit()
    except IntegrityError:
        # Two officers decided at the same moment: the other decision stands; show it.
        db.session.rollback()
        flash("Another officer decided on this response at the same moment: check the decision below.", "warning")
        return redirect(url_for(".review", consultation_id=consultation.id, response_id=response.id))
    if action == "publish":
        flash(f"Response {response.reference} is published on the consultation's public page.", "success")
    else:
        flash(f"Response {response.reference} is not published.", "success")
    return redirect(url_for(".review", consultation_id=consultation.id, response_id=response.id))


@bp.route("/manage/<int:consultation_id>/responses/<int:response_id>/redact", methods=["GET", "POST"])
@requires(Permission.CONSULTATIONS_MANAGE)
def redact(consultation_id, response_id):
    """Redact a passage of a written answer (``?answer=<id>``) before publishing, with the reason."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    answer_id = request.args.get("answer", type=int)
    answer = db.session.get(Answer, answer_id) if answer_id else None
    if answer is None or answer.response_id != response.id:
        return _not_visible(
            consultation,
            "That answer is not part of this response: choose a written answer on the publication page.",
            404,
            response,
        )
    if answer.question.kind not in queries.REDACTABLE:
        return _not_visible(consultation, "Only written answers can be redacted.", 400, response)
    form = RedactForm()
    if form.validate_on_submit():
        try:
            services.redact(
                response,
                answer,
                actor=current_user,
                reason=form.reason.data,
                passage=form.passage.data or "",
                start=form.start.data,
                end=form.end.data,
            )
        except services.PublishingError as error:
            db.session.rollback()
            form.passage.errors.append(str(error))
        else:
            db.session.commit()
            flash("Passage redacted. The published response shows “[redacted]” in its place.", "success")
            return redirect(url_for(".review", consultation_id=consultation.id, response_id=response.id))
    ranges = queries.ranges_by_answer([response.id]).get(answer.id, [])
    return render_template(
        "publishing/redact.html",
        consultation=consultation,
        response=response,
        answer=answer,
        published_text=redacted_text(answer.text, ranges),
        form=form,
    ), 400 if form.is_submitted() else 200


@bp.post("/manage/<int:consultation_id>/responses/<int:response_id>/redactions/<int:redaction_id>/delete")
@requires(Permission.CONSULTATIONS_MANAGE)
def remove_redaction(consultation_id, response_id, redaction_id):
    """Show a redacted passage again (the removal is audited)."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, response_id)
    back = url_for(".review", consultation_id=consultation.id, response_id=response.id)
    redaction = db.session.get(ResponseRedaction, redaction_id)
    if redaction is None or redaction.response_id != response.id:
        flash("That redaction is not part of this response.", "error")
        return redirect(back)
    if ConfirmForm().validate_on_submit():
        services.remove_redaction(redaction, actor=current_user)
        db.session.commit()
        flash("Redaction removed: the passage shows again on the published response.", "success")
    return redirect(back)


@bp.get("/<slug>/published-responses")
@requires(PUBLIC)
def public(slug):
    """The responses published with their respondents' agreement (names only where they agreed)."""
    consultation = consultation_queries.public_by_slug(slug)
    if consultation is None:
        abort(404)
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "publishing/public.html", consultation=consultation, page=queries.published_page(consultation.id, page)
    )


@bp.app_template_global()
def published_responses(consultation_id, limit=3):
    """The first few published responses and how many there are, for the public consultation page."""
    results = queries.published_page(consultation_id, 1)
    return {"entries": results.entries[:limit], "total": results.total, "capped": results.total_capped}
