"""Officers' exports of a consultation's responses (CSV and XLSX), background jobs and their downloads,
and marking text answers that identify someone (removed later by ``flask retention apply``)."""

import tempfile

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from engage import audit
from engage.consultations.models import Consultation
from engage.exports import csv_response
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, requires
from engage.responses import exports
from engage.responses.export_forms import ExportForm, FindResponseForm
from engage.responses.export_models import ExportFormat, ExportJob, ExportStatus
from engage.responses.models import Answer
from engage.responses.models import Response as SurveyResponse
from engage.storage import StorageError, get_storage, iter_file
from engage.surveys.models import Question, QuestionKind

bp = Blueprint("response_exports", __name__, url_prefix="/consultations/manage/<int:consultation_id>/exports")

NO_RESPONSES = "This consultation has no responses yet, so there is nothing to export."
#: Text answers an officer can mark as identifying someone.
TEXT_KINDS = (QuestionKind.short_text, QuestionKind.long_text)


@bp.after_request
def no_store(response):
    """Export pages and files hold residents' answers: never cached, never sniffed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _recent_jobs(consultation_id):
    return db.session.scalars(
        select(ExportJob)
        .where(ExportJob.consultation_id == consultation_id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(10)
    ).all()


def _page(consultation, form, status=200):
    _fail_stale(consultation.id)
    count = exports.count_responses(consultation.id)
    has_equality = any(page.is_equality for page in getattr(consultation.survey, "pages", []) or [])
    return (
        render_template(
            "responses/exports/index.html",
            consultation=consultation,
            form=form,
            count=count,
            has_equality=has_equality,
            jobs=_recent_jobs(consultation.id),
            inline_max=current_app.config.get("EXPORT_INLINE_MAX_ROWS", 5000),
            no_responses=NO_RESPONSES,
        ),
        status,
    )


@bp.get("")
@requires(Permission.CONSULTATIONS_MANAGE)
def index(consultation_id):
    """Choose a format (and whether to include equality answers); see earlier background exports."""
    consultation = db.get_or_404(Consultation, consultation_id)
    return _page(consultation, ExportForm())


@bp.post("")
@requires(Permission.CONSULTATIONS_MANAGE)
def export(consultation_id):
    """Small exports download at once; large ones become a background job with a progress page."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return _page(consultation, form)
    count = exports.count_responses(consultation.id)
    if count == 0:
        form.form_errors.append(NO_RESPONSES)
        return _page(consultation, form)
    fmt = form.format.data
    include_equality = bool(form.equality.data)
    if count >= current_app.config.get("EXPORT_INLINE_MAX_ROWS", 5000):
        job = exports.create_job(consultation, actor=current_user, fmt=fmt, include_equality=include_equality)
        db.session.commit()
        exports.dispatch(job.id)
        return redirect(url_for(".job", consultation_id=consultation.id, job_id=job.id), 303)
    exports.record_export(current_user, consultation, fmt, include_equality, how="download")
    db.session.commit()
    plan = exports.plan_for(consultation, include_equality)
    filename = exports.filename_for(consultation, fmt)
    if fmt == ExportFormat.csv.value:
        return csv_response(filename, plan.header, exports.iter_rows(consultation.id, plan))
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by iter_file once the download is sent)
    try:
        exports.write_xlsx(spool, plan, exports.iter_rows(consultation.id, plan, for_xlsx=True))
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _file_response(iter_file(spool), ExportFormat.xlsx, filename)


def _file_response(body, fmt, filename):
    return Response(
        body,
        mimetype=fmt.content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _fail_stale(consultation_id):
    """A job whose worker died shows as failed as soon as anyone looks, not when cron next runs."""
    if exports.fail_stale_jobs(consultation_id).total:
        db.session.commit()


def _job_or_404(consultation_id, job_id):
    job = db.session.get(ExportJob, job_id)
    if job is None or job.consultation_id != consultation_id:
        abort(404)
    return job


@bp.get("/<int:job_id>")
@requires(Permission.CONSULTATIONS_MANAGE)
def job(consultation_id, job_id):
    """Progress of a background export (the page refreshes itself until done), then its download link."""
    consultation = db.get_or_404(Consultation, consultation_id)
    _fail_stale(consultation_id)
    export_job = _job_or_404(consultation_id, job_id)
    return render_template("responses/exports/job.html", consultation=consultation, job=export_job)


@bp.get("/<int:job_id>/download")
@requires(Permission.CONSULTATIONS_MANAGE)
def download(consultation_id, job_id):
    """The finished file of a background export; audited."""
    consultation = db.get_or_404(Consultation, consultation_id)
    export_job = _job_or_404(consultation_id, job_id)
    if export_job.status == ExportStatus.expired:
        flash("This export's file has been deleted, as old exports are. Start a new export.", "warning")
        return redirect(url_for(".job", consultation_id=consultation_id, job_id=job_id))
    if export_job.status != ExportStatus.done or not export_job.storage_key:
        flash("This export is not ready to download yet.", "warning")
        return redirect(url_for(".job", consultation_id=consultation_id, job_id=job_id))
    try:
        handle = get_storage().open(export_job.storage_key)
    except StorageError:
        abort(404)
    audit.record(current_user, "export", export_job, ["download", f"format:{export_job.format.value}"])
    db.session.commit()
    filename = f"responses-{consultation.slug}-{export_job.created_at:%Y%m%d}-{export_job.id}.{export_job.format.value}"
    return _file_response(iter_file(handle), export_job.format, filename)


@bp.get("/identifying")
@requires(Permission.CONSULTATIONS_MANAGE)
def identifying(consultation_id):
    """Find a response by its reference to mark text answers that name or identify someone."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = FindResponseForm(request.args, meta={"csrf": False})
    found = None
    answers = []
    if "reference" in request.args and form.validate():
        found = db.session.scalar(
            select(SurveyResponse).where(
                SurveyResponse.consultation_id == consultation.id,
                func.upper(SurveyResponse.reference) == form.reference.data.upper(),
            )
        )
        if found is None:
            form.reference.errors.append("No response to this consultation has that reference")
        else:
            answers = db.session.scalars(
                select(Answer)
                .join(Question, Question.id == Answer.question_id)
                .where(Answer.response_id == found.id, Question.kind.in_(TEXT_KINDS), Answer.text != "")
                .order_by(Answer.id)
            ).all()
    return render_template(
        "responses/exports/identifying.html",
        consultation=consultation,
        form=form,
        found=found,
        answers=answers,
        action_form=ConfirmForm(),
    )


@bp.post("/identifying/<int:response_id>")
@requires(Permission.CONSULTATIONS_MANAGE)
def mark_identifying(consultation_id, response_id):
    """Save which of the response's text answers identify someone (ticked) and which do not."""
    consultation = db.get_or_404(Consultation, consultation_id)
    found = db.session.get(SurveyResponse, response_id)
    if found is None or found.consultation_id != consultation.id:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    ticked = set(request.form.getlist("identifying", type=int))
    answers = db.session.scalars(
        select(Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == found.id, Question.kind.in_(TEXT_KINDS))
    ).all()
    changed = 0
    for answer in answers:
        wanted = answer.id in ticked
        if answer.identifying != wanted:
            answer.identifying = wanted
            audit.record(current_user, "update", answer, ["identifying"])
            changed += 1
    db.session.commit()
    flash(
        f"Saved: {changed} {'answer' if changed == 1 else 'answers'} changed. "
        "Answers marked as identifying are removed when the retention period ends.",
        "success",
    )
    return redirect(url_for(".identifying", consultation_id=consultation.id, reference=found.reference), 303)
