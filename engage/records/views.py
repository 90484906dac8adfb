"""Engagement record pages: the list, logging a record, reading and editing one."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db
from engage.permissions import Permission, Role, can, requires
from engage.records import queries, services
from engage.records.forms import RecordFilterForm, RecordForm
from engage.records.models import EngagementRecord, Sensitivity
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
    results = queries.records_page(current_user, form.to_filter(), page)
    return render_template("records/index.html", form=form, page=results)


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
    return render_template("records/detail.html", record=record)


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
