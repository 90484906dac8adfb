"""Charter pages: the public adopted charter, the draft open for comment and residents' comments; staff
pages for drafting, versions, diffs, comments, moderation, approval, adoption and export."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from engage.charters import queries, services
from engage.charters.diff import diff_versions
from engage.charters.exporters import markdown_filename, version_markdown
from engage.charters.forms import (
    ApprovalForm,
    CharterForm,
    CommentForm,
    CompareForm,
    EditSectionsForm,
    OpenForCommentForm,
    ReplyForm,
    ResidentCommentForm,
)
from engage.charters.models import Charter, CharterComment, CharterStage, Moderation
from engage.consultations.timing import deadline_words
from engage.dates import now_utc
from engage.extensions import db, limiter
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, requires

bp = Blueprint("charters", __name__, url_prefix="/charters")


def comment_window_words(charter):
    """'Closes in 5 days, on …' / 'Closed on …' for the resident comment window."""
    if charter.comments_close_at is None:
        return ""
    return deadline_words(charter.comments_open_at or charter.comments_close_at, charter.comments_close_at, now_utc())


@bp.app_context_processor
def inject_charter_helpers():
    return {"charter_window": comment_window_words}


def _markdown_response(charter, version, adoption=None):
    response = make_response(version_markdown(charter, version, adoption))
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{markdown_filename(charter, version)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# Public pages ---------------------------------------------------------------------------------


def load_public(slug):
    """Return the charter residents may see at ``slug`` (adopted, or open for comment), or 404."""
    charter = queries.public_by_slug(slug)
    if charter is None:
        abort(404)
    return charter


def load_public_draft(slug):
    """Return the charter at ``slug`` only while its draft is open for comment, or 404."""
    charter = load_public(slug)
    if charter.stage != CharterStage.open_for_comment:
        abort(404)
    return charter


@bp.get("/")
@requires(PUBLIC)
def index():
    """List the adopted charters and the drafts open for comment."""
    return render_template("charters/public/index.html", charters=queries.public_charters())


@bp.get("/<charter_slug>")
@requires(PUBLIC)
def detail(charter_slug):
    """Show the latest adopted version, its adoption date and the bodies that approved it."""
    charter = load_public(charter_slug)
    adoption = charter.latest_adoption
    if adoption is None:
        return redirect(url_for(".draft", charter_slug=charter_slug))
    return render_template("charters/public/detail.html", charter=charter, adoption=adoption)


@bp.get("/<charter_slug>/charter.md")
@requires(PUBLIC)
def download(charter_slug):
    """Download the adopted charter as a Markdown file."""
    charter = load_public(charter_slug)
    adoption = charter.latest_adoption
    if adoption is None:
        abort(404)
    return _markdown_response(charter, adoption.version, adoption)


@bp.get("/<charter_slug>/draft")
@requires(PUBLIC)
def draft(charter_slug):
    """Show the draft open for comment, residents' published comments and how to comment."""
    charter = load_public_draft(charter_slug)
    version = charter.latest
    return render_template(
        "charters/public/draft.html",
        charter=charter,
        version=version,
        comments=queries.public_comments(charter, version),
    )


def comment_limit():
    return current_app.config["CHARTER_COMMENT_RATE_LIMIT"]


@bp.route("/<charter_slug>/comment", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(comment_limit, methods=["POST"])
def comment(charter_slug):
    """A resident comments on a section of the draft; it waits for an officer's moderation."""
    charter = load_public_draft(charter_slug)
    version = charter.latest
    form = ResidentCommentForm(sections=version.sections)
    if not form.is_submitted():
        form.version_number.data = str(version.number)
        form.section.data = request.args.get("section")
    if form.is_submitted() and not charter.accepting_resident_comments:
        form.form_errors.append("Comments on this draft have closed, so we could not accept yours")
    elif form.validate_on_submit():
        # A filled-in honeypot is a bot: thank it as usual, store nothing.
        if not form.website.data:
            commented_on = charter.version(int(form.version_number.data)) or version
            try:
                services.add_resident_comment(
                    charter,
                    version=commented_on,
                    section_key=form.section.data,
                    body=form.body.data,
                    name=form.name.data or "",
                    email=form.email.data or "",
                )
            except services.TransitionError as error:
                db.session.rollback()
                form.section.errors.append(str(error))
                return _comment_page(charter, version, form)
            db.session.commit()
        flash("Thank you for your comment. An officer will read it before it appears on this page.", "success")
        return redirect(url_for(".draft", charter_slug=charter_slug))
    return _comment_page(charter, version, form)


def _comment_page(charter, version, form):
    status = 400 if form.is_submitted() else 200
    return render_template("charters/public/comment.html", charter=charter, version=version, form=form), status


# Staff pages ----------------------------------------------------------------------------------


def load_charter(charter_id):
    """Return the charter, or 404."""
    return db.get_or_404(Charter, charter_id)


def load_version(charter, number):
    """Return version ``number`` of ``charter``, or 404."""
    version = charter.version(number)
    if version is None:
        abort(404)
    return version


def load_comment(charter, comment_id):
    """Return a comment of ``charter`` that is not rejected, or 404."""
    comment = db.get_or_404(CharterComment, comment_id)
    if comment.charter_id != charter.id or comment.moderation == Moderation.rejected:
        abort(404)
    return comment


def _back(charter, anchor=""):
    return redirect(url_for(".manage_detail", charter_id=charter.id) + anchor)


@bp.get("/manage/")
@requires(Permission.CHARTERS_READ)
def manage_index():
    """List every charter with its stage, for staff."""
    return render_template("charters/manage/index.html", charters=queries.all_charters())


@bp.route("/manage/new", methods=["GET", "POST"])
@requires(Permission.CHARTERS_MANAGE)
def manage_new():
    """Start a charter: its details and first section (version 1)."""
    form = CharterForm(owners=queries.staff_users(), slug_taken=queries.slug_taken)
    if not form.is_submitted():
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        charter = services.create_charter(actor=current_user, **form.values())
        db.session.commit()
        flash("Charter started: version 1 saved.", "success")
        return _back(charter)
    return _form_page("charters/manage/form.html", form, charter=None)


def _form_page(template, form, **context):
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, **context), status


@bp.route("/manage/<int:charter_id>/details", methods=["GET", "POST"])
@requires(Permission.CHARTERS_MANAGE)
def manage_details(charter_id):
    """Change a charter's title, web address, purpose, owner or places."""
    charter = load_charter(charter_id)
    form = CharterForm(
        obj=charter,
        owners=queries.staff_users(),
        slug_taken=lambda slug: queries.slug_taken(slug, exclude_id=charter.id),
        new=False,
    )
    if form.validate_on_submit():
        services.update_details(charter, actor=current_user, **form.values())
        db.session.commit()
        flash("Charter details saved.", "success")
        return _back(charter)
    return _form_page("charters/manage/form.html", form, charter=charter)


@bp.get("/manage/<int:charter_id>")
@requires(Permission.CHARTERS_READ)
def manage_detail(charter_id):
    """The latest version with its comment threads, the workflow, approvals, moderation and history."""
    charter = load_charter(charter_id)
    return render_template(
        "charters/manage/detail.html",
        charter=charter,
        version=charter.latest,
        threads=queries.comment_threads(charter, current_user),
        pending=queries.pending_comments(charter),
        action_form=ConfirmForm(formdata=None),
        comment_form=CommentForm(formdata=None),
        reply_form=ReplyForm(formdata=None),
        compare_form=CompareForm(
            formdata=None,
            versions=charter.versions,
            data={"old": max(charter.latest.number - 1, 1), "new": charter.latest.number},
        ),
    )


@bp.route("/manage/<int:charter_id>/edit", methods=["GET", "POST"])
@requires(Permission.CHARTERS_MANAGE)
def manage_edit(charter_id):
    """Edit the sections; saving adds a version, and is refused if someone saved since the page was opened."""
    charter = load_charter(charter_id)
    if charter.stage != CharterStage.drafting:
        flash("The charter can be edited only while drafting: return it to drafting first.", "error")
        return _back(charter)
    form = EditSectionsForm(known_keys={s.key for v in charter.versions for s in v.sections})
    if not form.is_submitted():
        form.fill(charter.latest)
    elif form.validate():
        try:
            version = services.save_version(
                charter,
                actor=current_user,
                base_number=form.base_number,
                sections=form.cleaned_sections(),
                summary=form.summary.data,
            )
        except services.SaveConflict:
            db.session.rollback()
            return _conflict_page(load_charter(charter_id), form)
        except services.TransitionError as error:
            db.session.rollback()
            form.summary.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Version {version.number} saved.", "success")
            return _back(charter)
    return _form_page("charters/manage/edit.html", form, charter=charter)


def _conflict_page(charter, form):
    base = charter.version(form.base_number) if form.base_number else None
    return render_template(
        "charters/manage/conflict.html",
        charter=charter,
        base=base,
        latest=charter.latest,
        diff=diff_versions(base, charter.latest),
        unsaved=form.cleaned_sections(),
        form=form,
    ), 409


@bp.get("/manage/<int:charter_id>/versions/<int:number>")
@requires(Permission.CHARTERS_READ)
def manage_version(charter_id, number):
    """Show one version as it was saved."""
    charter = load_charter(charter_id)
    version = load_version(charter, number)
    return render_template(
        "charters/manage/version.html", charter=charter, version=version, action_form=ConfirmForm(formdata=None)
    )


@bp.get("/manage/<int:charter_id>/compare")
@requires(Permission.CHARTERS_READ)
def manage_compare(charter_id):
    """Compare two versions section by section, words inserted and deleted marked within sentences."""
    charter = load_charter(charter_id)
    form = CompareForm(request.args, versions=charter.versions)
    latest = charter.latest
    if "old" not in request.args and "new" not in request.args:
        form.new.data = latest.number
        form.old.data = max(latest.number - 1, 1)
    old, new = charter.version(form.old.data), charter.version(form.new.data)
    if old is None or new is None:
        form.old.errors = ["Choose two versions of this charter to compare"]
        return render_template("charters/manage/compare.html", charter=charter, form=form, diff=None), 400
    return render_template("charters/manage/compare.html", charter=charter, form=form, diff=diff_versions(old, new))


@bp.post("/manage/<int:charter_id>/versions/<int:number>/restore")
@requires(Permission.CHARTERS_MANAGE)
def manage_restore(charter_id, number):
    """Save a copy of an older version as the newest version."""
    charter = load_charter(charter_id)
    load_version(charter, number)
    if ConfirmForm().validate_on_submit():
        try:
            version = services.restore_version(charter, actor=current_user, number=number)
        except (services.TransitionError, services.SaveConflict) as error:
            db.session.rollback()
            flash(
                str(error)
                if isinstance(error, services.TransitionError)
                else "Someone saved at the same time: try again.",
                "error",
            )
        else:
            db.session.commit()
            flash(f"Version {number} restored as version {version.number}.", "success")
    return _back(charter)


@bp.get("/manage/<int:charter_id>/versions/<int:number>/export.md")
@requires(Permission.CHARTERS_READ)
def manage_export(charter_id, number):
    """Download a version as a Markdown file."""
    charter = load_charter(charter_id)
    version = load_version(charter, number)
    adoption = next((a for a in reversed(charter.adoptions) if a.version_id == version.id), None)
    return _markdown_response(charter, version, adoption)


@bp.get("/manage/<int:charter_id>/versions/<int:number>/print")
@requires(Permission.CHARTERS_READ)
def manage_print(charter_id, number):
    """A version laid out for printing."""
    charter = load_charter(charter_id)
    version = load_version(charter, number)
    adoption = next((a for a in reversed(charter.adoptions) if a.version_id == version.id), None)
    return render_template("charters/manage/print.html", charter=charter, version=version, adoption=adoption)


# Comments ------------------------------------------------------------------------------------


@bp.post("/manage/<int:charter_id>/comments")
@requires(Permission.CHARTERS_COMMENT)
def manage_comment(charter_id):
    """Comment on a section of the version on the page."""
    charter = load_charter(charter_id)
    form = CommentForm()
    if form.validate_on_submit():
        version = charter.version(int(form.version_number.data))
        try:
            services.add_comment(
                charter, actor=current_user, version=version, section_key=form.section_key.data, body=form.body.data
            )
        except services.TransitionError as error:
            db.session.rollback()
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash("Comment added.", "success")
            return _back(charter, f"#section-{form.section_key.data}")
    return _comment_error(charter, form)


def _comment_error(charter, form, comment=None):
    return render_template("charters/manage/comment_error.html", charter=charter, form=form, comment=comment), 400


@bp.post("/manage/<int:charter_id>/comments/<int:comment_id>/reply")
@requires(Permission.CHARTERS_COMMENT)
def manage_reply(charter_id, comment_id):
    """Reply to a comment."""
    charter = load_charter(charter_id)
    parent = load_comment(charter, comment_id)
    form = ReplyForm()
    if form.validate_on_submit():
        services.add_reply(parent, actor=current_user, body=form.body.data)
        db.session.commit()
        flash("Reply added.", "success")
        return _back(charter, f"#comment-{(parent.parent or parent).id}")
    return _comment_error(charter, form, parent)


@bp.post("/manage/<int:charter_id>/comments/<int:comment_id>/resolve")
@requires(Permission.CHARTERS_COMMENT)
def manage_resolve(charter_id, comment_id):
    """Mark a comment thread resolved."""
    return _set_resolved(charter_id, comment_id, True)


@bp.post("/manage/<int:charter_id>/comments/<int:comment_id>/reopen")
@requires(Permission.CHARTERS_COMMENT)
def manage_reopen(charter_id, comment_id):
    """Open a resolved comment thread again."""
    return _set_resolved(charter_id, comment_id, False)


def _set_resolved(charter_id, comment_id, resolved):
    charter = load_charter(charter_id)
    comment = load_comment(charter, comment_id)
    if ConfirmForm().validate_on_submit():
        services.set_resolved(comment, actor=current_user, resolved=resolved)
        db.session.commit()
        flash("Comment marked as resolved." if resolved else "Comment opened again.", "success")
    return _back(charter, f"#comment-{comment.id}")


@bp.post("/manage/<int:charter_id>/comments/<int:comment_id>/approve")
@requires(Permission.CHARTERS_MANAGE)
def manage_approve_comment(charter_id, comment_id):
    """Publish a resident's comment held for moderation."""
    return _moderate(charter_id, comment_id, True)


@bp.post("/manage/<int:charter_id>/comments/<int:comment_id>/reject")
@requires(Permission.CHARTERS_MANAGE)
def manage_reject_comment(charter_id, comment_id):
    """Reject a resident's comment held for moderation (nobody else will see it)."""
    return _moderate(charter_id, comment_id, False)


def _moderate(charter_id, comment_id, approve):
    charter = load_charter(charter_id)
    comment = load_comment(charter, comment_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.moderate(comment, actor=current_user, approve=approve)
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Comment published." if approve else "Comment rejected.", "success")
    return _back(charter, "#moderation")


# Workflow ------------------------------------------------------------------------------------


@bp.route("/manage/<int:charter_id>/open", methods=["GET", "POST"])
@requires(Permission.CHARTERS_MANAGE)
def manage_open(charter_id):
    """Open the draft for residents' comments until a closing date and time (UK time)."""
    charter = load_charter(charter_id)
    form = OpenForCommentForm()
    if form.validate_on_submit():
        try:
            services.open_for_comment(charter, actor=current_user, closes_at=form.closes_at)
        except services.TransitionError as error:
            db.session.rollback()
            form.closes_time.errors.append(str(error))
        else:
            db.session.commit()
            flash("The draft is open for comment.", "success")
            return _back(charter)
    return _form_page(
        "charters/manage/sub_form.html", form, charter=charter, heading="Open for comment", button="Open for comment"
    )


@bp.post("/manage/<int:charter_id>/send-for-approval")
@requires(Permission.CHARTERS_MANAGE)
def manage_send_for_approval(charter_id):
    """Close comments and send the latest version for approval."""
    return _transition(
        charter_id, services.send_for_approval, "Sent for approval: comments from residents have closed."
    )


@bp.post("/manage/<int:charter_id>/return-to-drafting")
@requires(Permission.CHARTERS_MANAGE)
def manage_return_to_drafting(charter_id):
    """Take the charter back to drafting."""
    return _transition(charter_id, services.return_to_drafting, "The charter is being drafted again.")


@bp.post("/manage/<int:charter_id>/adopt")
@requires(Permission.CHARTERS_MANAGE)
def manage_adopt(charter_id):
    """Adopt the approved latest version: it becomes the public charter."""
    return _transition(charter_id, services.adopt, "Adopted: this version is now the public charter.")


def _transition(charter_id, service, message):
    charter = load_charter(charter_id)
    if ConfirmForm().validate_on_submit():
        try:
            service(charter, actor=current_user)
        except services.TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return _back(charter)


@bp.route("/manage/<int:charter_id>/approve", methods=["GET", "POST"])
@requires(Permission.CHARTERS_MANAGE)
def manage_approve(charter_id):
    """Record that a body approved the version awaiting approval."""
    charter = load_charter(charter_id)
    form = ApprovalForm()
    if form.validate_on_submit():
        try:
            services.record_approval(
                charter, actor=current_user, body_name=form.body_name.data, note=form.note.data or ""
            )
        except services.TransitionError as error:
            db.session.rollback()
            form.body_name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Approval recorded.", "success")
            return _back(charter, "#approvals")
    return _form_page(
        "charters/manage/sub_form.html", form, charter=charter, heading="Record an approval", button="Record approval"
    )
