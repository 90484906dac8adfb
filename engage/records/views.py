"""Engagement record pages: the list, logging a record, reading and editing one."""

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engage import search, storage
from engage.accounts.models import User
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, Role, can, require, requires
from engage.records import exporters, queries, redaction, services
from engage.records.attachments import ACCEPT, content_disposition
from engage.records.forms import (
    ActionForm,
    AttachmentForm,
    CommentForm,
    FlagForm,
    RecordFilterForm,
    RecordForm,
    ResolveFlagForm,
)
from engage.records.models import (
    EngagementRecord,
    FlagReason,
    RecordAction,
    RecordAttachment,
    RecordFlag,
    RecordReview,
    Sensitivity,
)
from engage.stakeholders.models import Organisation
from engage.stakeholders.queries import programme_groups

bp = Blueprint("records", __name__, url_prefix="/records")
#: The characters Werkzeug's url_for leaves unescaped in a query string.
QUERY_SAFE = "!$'()*,/:;?@"


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
    if flt.q:
        results = search.search(current_user, flt, page)
        _link_facets(results.facets)
    else:
        results = queries.records_page(current_user, flt, page)
    organisation = db.session.get(Organisation, flt.organisation_id) if flt.organisation_id else None
    return render_template("records/index.html", form=form, page=results, organisation=organisation)


def _link_facets(facets):
    """Give each facet value the link that adds it to the current filters (a new search: page 1).

    Built here rather than in the template, with url_for once and each facet's other arguments
    encoded once (a page has dozens of these links): the query string is urlencode's with
    Werkzeug's safe characters, and the facet's own argument goes last.
    """
    args = request.args.to_dict()
    args.pop("page", None)
    base = url_for(".index")
    for name, values in facets.items():
        replaced = ("date_from", "date_to") if name == "year" else (name,)
        others = urlencode({key: value for key, value in args.items() if key not in replaced}, safe=QUERY_SAFE)
        prefix = f"{base}?{others}&" if others else f"{base}?"
        for value in values:
            if name == "year":
                added = {"date_from": f"{value.value}-01-01", "date_to": f"{value.value}-12-31"}
            else:
                added = {name: value.value}
            value.href = prefix + urlencode(added, safe=QUERY_SAFE)


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
        try:
            with storage.batch() as batch:
                record = services.create_record(actor=current_user, **form.values())
                services.add_attachments(record, form.checked_files, actor=current_user, batch=batch)
                db.session.commit()
        except storage.StorageError:
            db.session.rollback()
            form.attachments.errors = [COULD_NOT_STORE]
            return render_template("records/form.html", form=form, record=None, accept=ACCEPT), 503
        flash("Record saved.", "success")
        return redirect(url_for(".detail", record_id=record.id))
    return render_template("records/form.html", form=form, record=None, accept=ACCEPT)


@bp.get("/<int:record_id>")
@requires(Permission.RECORDS_READ)
def detail(record_id):
    """Show one record; opening a restricted record is logged."""
    record = load_readable(record_id)
    if record.sensitivity == Sensitivity.restricted:
        services.record_viewed(record, actor=current_user)
        db.session.commit()
    return _detail(record)


COULD_NOT_STORE = "The file could not be saved just now. Nothing was stored: try again later"


def _detail(record, status=200, **forms):
    """Render the record page with its review forms (those given carry the user's errors)."""
    from engage.themes import queries as theme_queries
    from engage.themes.forms import RecordEvidenceForm

    context = {
        "action_form": ActionForm(formdata=None),
        "evidence_form": RecordEvidenceForm(formdata=None),
        "themes_for_record": theme_queries.themes_with_record(record),
        "today": to_london(now_utc()).date(),
        "record": record,
        "attachment_form": AttachmentForm(formdata=None),
        "delete_attachment_form": ConfirmForm(formdata=None),
        "accept": ACCEPT,
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
    form = RecordForm(obj=record, with_attachments=False, **_form_context())
    if form.validate_on_submit():
        services.update_record(record, actor=current_user, **form.values())
        db.session.commit()
        flash("Record updated.", "success")
        return redirect(url_for(".detail", record_id=record.id))
    return render_template("records/form.html", form=form, record=record)


@bp.post("/<int:record_id>/actions")
@requires(Permission.RECORDS_MANAGE)
def add_action(record_id):
    """Agree an action on a record."""
    record = load_readable(record_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _detail(record, 400, action_form=form)
    services.add_action(record, actor=current_user, **form.values())
    db.session.commit()
    flash("Action added.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#actions")


@bp.route("/<int:record_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORDS_MANAGE)
def edit_action(record_id, action_id):
    """Change an action: its status, owner, due date or outcome."""
    record = load_readable(record_id)
    action = db.get_or_404(RecordAction, action_id)
    if action.record_id != record.id:
        abort(404)
    form = ActionForm(obj=action)
    if form.validate_on_submit():
        services.update_action(action, actor=current_user, **form.values())
        db.session.commit()
        flash("Action updated.", "success")
        return redirect(url_for(".detail", record_id=record.id) + "#actions")
    return render_template("records/action_form.html", form=form, record=record, action=action)


def load_attachment(record_id, attachment_id):
    """Return (record, attachment), or 404 when the user may not read the record or the
    attachment belongs to another record (so guessing ids reveals nothing)."""
    record = load_readable(record_id)
    attachment = db.session.get(RecordAttachment, attachment_id)
    if attachment is None or attachment.record_id != record.id:
        abort(404)
    return record, attachment


@bp.post("/<int:record_id>/attachments")
@requires(Permission.RECORDS_MANAGE)
def add_attachments(record_id):
    """Attach files to a record; a refused file stores nothing."""
    record = load_readable(record_id)
    require(can(current_user, Permission.RECORDS_MANAGE, record))
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _detail(record, 400, attachment_form=form)
    try:
        with storage.batch() as batch:
            added = services.add_attachments(record, form.checked_files, actor=current_user, batch=batch)
            db.session.commit()
    except storage.StorageError:
        db.session.rollback()
        form.files.errors = [COULD_NOT_STORE]
        return _detail(record, 503, attachment_form=form)
    flash("File attached." if len(added) == 1 else f"{len(added)} files attached.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#attachments")


# Registered before delete_attachment on purpose: the route matrix walks rules in this order and
# must download the sample attachment before it deletes it.
@bp.get("/<int:record_id>/attachments/<int:attachment_id>")
@requires(Permission.RECORDS_READ)
def download_attachment(record_id, attachment_id):
    """Send an attachment to someone who may read its record; restricted downloads are logged."""
    record, attachment = load_attachment(record_id, attachment_id)
    if record.sensitivity == Sensitivity.restricted:
        services.attachment_downloaded(attachment, actor=current_user)
        db.session.commit()
    try:
        fh = storage.get_storage().open(attachment.storage_key)
    except storage.StorageError:
        abort(503)
    response = Response(storage.iter_file(fh), mimetype=attachment.content_type, direct_passthrough=True)
    response.content_length = attachment.size
    response.headers["Content-Disposition"] = content_disposition(attachment.filename, inline=attachment.is_inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:record_id>/attachments/<int:attachment_id>/delete")
@requires(Permission.RECORDS_MANAGE)
def delete_attachment(record_id, attachment_id):
    """Remove an attachment: the row first, then (after the commit) the stored file."""
    record, attachment = load_attachment(record_id, attachment_id)
    require(can(current_user, Permission.RECORDS_MANAGE, record))
    if ConfirmForm().validate_on_submit():
        key = services.delete_attachment(attachment, actor=current_user)
        db.session.commit()
        storage.delete_quietly([key])
        flash("File removed.", "success")
    return redirect(url_for(".detail", record_id=record.id) + "#attachments")
