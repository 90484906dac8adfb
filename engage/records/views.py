"""Engagement record pages: the list, logging a record, reading and editing one."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engage import search
from engage.accounts.models import User
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, Role, can, requires
from engage.records import exporters, queries, redaction, services
from engage.records.forms import CommentForm, FlagForm, RecordFilterForm, RecordForm, ResolveFlagForm
from engage.records.models import EngagementRecord, FlagReason, RecordFlag, RecordReview, Sensitivity
from engage.stakeholders.models import Organisation
from engage.stakeholders.queries import programme_groups

bp = Blueprint("records", __name__, url_prefix="/records")


def _form_context():
    reviewers = db.session.scalars(
        select(User).where(User.role == Role.reviewer, User.is_active).order_by(User.name)
    ).all()
    return {"reviewers": reviewers, "groups": programme_groups()}


def load_readable(record_id):
    """Return the record, or 404 when it does not exist or ``current_user`` may not read it.

    404 rather than 403: a restricted record's existence is itself not for everyone to know.
    """
    record = db.get_or_404(EngagementRecord, record_id)
    if not can(current_user, Permission.RECORDS_READ, record):
        abort(404)
    return record


@bp.get("/")
@requires(Permission.RECORDS_READ)
def index():
    """List the records the user may read, newest first, with search and filters in the URL."""
    form = RecordFilterForm(request.args)
    form.validate()
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    flt = form.to_filter()
    results = search.search(current_user, flt, page) if flt.q else queries.records_page(current_user, flt, page)
    organisation = db.session.get(Organisation, flt.organisation_id) if flt.organisation_id else None
    return render_template("records/index.html", form=form, page=results, organisation=organisation)


@bp.get("/export.<any(csv, xlsx):fmt>")
@requires(Permission.RECORDS_READ)
def export(fmt):
    """Download the records search as CSV or XLSX: only records the user may read."""
    form = RecordFilterForm(request.args)
    form.validate()
    flt = form.to_filter()
    exporters.record_export(current_user, fmt, flt)
    db.session.commit()
    return exporters.response(current_user, flt, fmt)


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.RECORDS_MANAGE)
def new():
    """Log an engagement record."""
    form = RecordForm(**_form_context())
    if request.method == "GET":
        form.sensitivity.data = Sensitivity.partners.value
    if form.validate_on_submit():
        record = services.create_record(actor=current_user, **form.values())
        db.session.commit()
        flash("Record saved.", "success")
        return redirect(url_for(".detail", record_id=record.id))
    return render_template("records/form.html", form=form, record=None)


@bp.get("/<int:record_id>")
@requires(Permission.RECORDS_READ)
def detail(record_id):
    """Show one record; opening a restricted record is logged."""
    record = load_readable(record_id)
    if record.sensitivity == Sensitivity.restricted:
        services.record_viewed(record, actor=current_user)
        db.session.commit()
    return _detail(record)


def _detail(record, status=200, **forms):
    """Render the record page with its review forms (those given carry the user's errors)."""
    context = {
        "record": record,
        "comment_form": CommentForm(formdata=None),
        "flag_form": FlagForm(formdata=None),
        "resolve_form": ResolveFlagForm(formdata=None),
        "reviewed_form": ConfirmForm(formdata=None),
        "reviewed_by_me": db.session.get(RecordReview, (record.id, current_user.id)) is not None,
        "has_identifying": redaction.has_identifying,
        "sees_identifying": redaction.sees_identifying,
        "render_for_reader": redaction.render_for_reader,
        **forms,
    }
    if forms:
        context["form"] = next(iter(forms.values()))
    return render_template("records/detail.html", **context), status


@bp.post("/<int:record_id>/comments")
@requires(Permission.RECORDS_REVIEW)
def add_comment(record_id):
    """Comment on a record."""
    record = load_readable(record_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail(record, 400, comment_form=form)
    services.add_comment(record, actor=current_user, body=form.body.data)
    db.session.commit()
    flash("Comment added.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#comments")


@bp.post("/<int:record_id>/flags")
@requires(Permission.RECORDS_REVIEW)
def add_flag(record_id):
    """Flag a record for an officer's attention."""
    record = load_readable(record_id)
    form = FlagForm()
    if not form.validate_on_submit():
        return _detail(record, 400, flag_form=form)
    services.raise_flag(record, actor=current_user, reason=FlagReason(form.reason.data), note=form.note.data or "")
    db.session.commit()
    flash("Flag raised. An officer will see it in the list of open flags.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#flags")


@bp.post("/<int:record_id>/reviewed")
@requires(Permission.RECORDS_REVIEW)
def mark_reviewed(record_id):
    """Mark the record as reviewed by the current user."""
    record = load_readable(record_id)
    if ConfirmForm().validate_on_submit():
        services.mark_reviewed(record, actor=current_user)
        db.session.commit()
        flash("Marked as reviewed.", "success")
    return redirect(url_for(".review_queue"))


@bp.post("/<int:record_id>/flags/<int:flag_id>/resolve")
@requires(Permission.RECORDS_RESOLVE)
def resolve_flag(record_id, flag_id):
    """Resolve an open flag, saying what was done."""
    record = load_readable(record_id)
    flag = db.get_or_404(RecordFlag, flag_id)
    if flag.record_id != record.id:
        abort(404)
    form = ResolveFlagForm()
    if not form.validate_on_submit():
        return _detail(record, 400, resolve_form=form)
    try:
        services.resolve_flag(flag, actor=current_user, resolution=form.resolution.data)
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Flag resolved.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#flags")


@bp.get("/review-queue")
@requires(Permission.RECORDS_REVIEW)
def review_queue():
    """Records the user may read and has not reviewed yet."""
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return render_template("records/review_queue.html", page=queries.review_queue_page(current_user, page))


@bp.get("/flags")
@requires(Permission.RECORDS_RESOLVE)
def flags():
    """Open flags on records, oldest first, for officers to resolve."""
    return render_template("records/flags.html", flags=queries.open_flags(current_user))


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORDS_MANAGE)
def edit(record_id):
    """Edit a record."""
    record = load_readable(record_id)
    form = RecordForm(obj=record, **_form_context())
    if form.validate_on_submit():
        services.update_record(record, actor=current_user, **form.values())
        db.session.commit()
        flash("Record updated.", "success")
        return redirect(url_for(".detail", record_id=record.id))
    return render_template("records/form.html", form=form, record=record)
