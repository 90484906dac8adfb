"""Administrators' data protection pages: subject access requests (find, export, erase) and retention.

The email address searched for travels only in POST bodies, never in a URL, so it stays out of
server logs and browser history.
"""

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.dataprotection import retention, services
from engage.dataprotection.forms import EraseForm, ExportForm, SearchForm
from engage.extensions import db
from engage.permissions import Permission, requires

bp = Blueprint("dataprotection", __name__, url_prefix="/admin/data-protection")


@bp.after_request
def no_store(response):
    """These pages and files hold a person's details: never cached, never sniffed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _index(form, status=200):
    return (
        render_template(
            "dataprotection/index.html",
            form=form,
            retention_days=current_app.config["RESPONSE_RETENTION_DAYS"],
            due=retention.due_consultations(),
        ),
        status,
    )


@bp.get("")
@requires(Permission.DATA_PROTECTION)
def index():
    """Search for an email address; see the retention period and which consultations have passed it."""
    return _index(SearchForm())


def _results(held):
    return render_template(
        "dataprotection/results.html",
        held=held,
        export_form=ExportForm(formdata=None, email=held.email),
        erase_form=EraseForm(formdata=None, email=held.email),
    )


@bp.post("/search")
@requires(Permission.DATA_PROTECTION)
def search():
    """Everything held about one email address."""
    form = SearchForm()
    if not form.validate_on_submit():
        return _index(form)
    held = services.find_held(form.email.data)
    services.record_search(current_user, held)
    db.session.commit()
    return _results(held)


@bp.post("/export")
@requires(Permission.DATA_PROTECTION)
def export():
    """Everything held about the address as a JSON file, for the person who asked."""
    form = ExportForm()
    if not form.validate_on_submit():
        flash("Search for the email address again, then download the file.", "warning")
        return redirect(url_for(".index"))
    held = services.find_held(form.email.data)
    services.record_export(current_user, held)
    db.session.commit()
    body = json.dumps(services.as_document(held), indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="subject-access-request.json"'},
    )


@bp.post("/erase")
@requires(Permission.DATA_PROTECTION)
def erase():
    """Erase what is held about the address, once the administrator confirms."""
    form = EraseForm()
    if not form.validate_on_submit():
        email_errors = form.email.errors
        if email_errors or not form.email.data:
            flash("Search for the email address again before erasing.", "warning")
            return redirect(url_for(".index"))
        held = services.find_held(form.email.data)
        return render_template(
            "dataprotection/results.html",
            held=held,
            export_form=ExportForm(formdata=None, email=held.email),
            erase_form=form,
            form=form,
        )
    held = services.find_held(form.email.data)
    counts = services.erase(held, actor=current_user)
    db.session.commit()
    flash(
        f"Erased: {counts['responses']} response(s) anonymised, {counts['subscriptions']} subscription(s) deleted, "
        f"{counts['people']} stakeholder record(s) without the email address, "
        f"{counts['format_requests']} format request(s) anonymised.",
        "success",
    )
    return redirect(url_for(".index"), 303)
