"""Administrator pages: users, places, topics and the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import audit as audit_log
from engage.accounts import queries as account_queries
from engage.accounts import services as account_services
from engage.accounts.models import User
from engage.admin.forms import AuditFilterForm, PlaceForm, TopicForm, UserForm
from engage.dates import london_day_bounds
from engage.extensions import db
from engage.forms import ConfirmForm
from engage.permissions import Permission, Role, requires
from engage.reference import queries as reference_queries
from engage.reference import services as reference_services
from engage.reference.models import Place, Topic
from engage.stakeholders import queries as stakeholder_queries
from engage.stakeholders import services as stakeholder_services
from engage.stakeholders.forms import SeldomHeardGroupForm
from engage.stakeholders.models import SeldomHeardGroup

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Audit log pages beyond this are not found (50 entries a page: 50 million entries).
MAX_AUDIT_PAGE = 1_000_000


# Users ---------------------------------------------------------------------------


@bp.get("/users")
@requires(Permission.ADMIN_USERS)
def users():
    """List every user with their role and status."""
    return render_template("admin/users.html", users=account_queries.users_by_name(), action_form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_USERS)
def user_new():
    """Create a user."""
    form = UserForm()
    if form.validate_on_submit():
        user = account_services.create_user(
            actor=current_user,
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            password=form.password.data,
            organisation=form.organisation.data,
        )
        db.session.commit()
        flash(f"{user.name} can now sign in as {user.role_label.lower()}.", "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_USERS)
def user_edit(user_id):
    """Edit a user's name, email, organisation and role."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user=user)
    if request.method == "GET":
        form.role.data = user.role.value
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.admin:
            form.role.errors.append("You cannot remove your own administrator role")
        else:
            account_services.update_user(
                user,
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                organisation=form.organisation.data,
            )
            db.session.commit()
            flash(f"Saved changes to {user.name}.", "success")
            return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.post("/users/<int:user_id>/deactivate")
@requires(Permission.ADMIN_USERS)
def user_deactivate(user_id):
    """Deactivate a user: they cannot sign in and their sessions end."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        if user.id == current_user.id:
            flash("You cannot deactivate your own account.", "error")
        else:
            account_services.set_user_active(user, actor=current_user, active=False)
            db.session.commit()
            flash(f"{user.name} has been deactivated and signed out.", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/reactivate")
@requires(Permission.ADMIN_USERS)
def user_reactivate(user_id):
    """Let a deactivated user sign in again."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        account_services.set_user_active(user, actor=current_user, active=True)
        db.session.commit()
        flash(f"{user.name} can sign in again.", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/unlock")
@requires(Permission.ADMIN_USERS)
def user_unlock(user_id):
    """Lift a sign-in lockout now rather than waiting for it to run out."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        account_services.unlock_user(user, actor=current_user)
        db.session.commit()
        flash(f"{user.name}'s account is unlocked.", "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/reset-two-factor")
@requires(Permission.ADMIN_USERS)
def user_reset_two_factor(user_id):
    """Turn off someone's two-factor sign-in (lost phone and recovery codes); they set it up again."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(403)
    if ConfirmForm().validate_on_submit() and user.two_factor_enabled:
        account_services.disable_two_factor(user, actor=current_user)
        db.session.commit()
        flash(
            f"Two-factor sign-in is reset for {user.name}: they can sign in with their password and set it up again.",
            "success",
        )
    return redirect(url_for(".users"))


# Places --------------------------------------------------------------------------


@bp.get("/places")
@requires(Permission.ADMIN_REFERENCE)
def places():
    """Show the place tree."""
    return render_template("admin/places.html", systems=reference_queries.place_tree())


@bp.route("/places/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def place_new():
    """Add a system, place or neighbourhood."""
    form = PlaceForm()
    if request.method == "GET" and request.args.get("parent", type=int):
        form.parent_id.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        place = reference_services.create_place(actor=current_user, **form.values())
        db.session.commit()
        flash(f"Added {place.name}.", "success")
        return redirect(url_for(".places"))
    return render_template("admin/place_form.html", form=form, place=None)


@bp.route("/places/<int:place_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def place_edit(place_id):
    """Edit a place, its population and breakdowns."""
    place = db.get_or_404(Place, place_id)
    form = PlaceForm(obj=place, place=place)
    if request.method == "GET":
        form.kind.data = place.kind.value
        form.parent_id.data = place.parent_id or 0
    if form.validate_on_submit():
        reference_services.update_place(place, actor=current_user, **form.values())
        db.session.commit()
        flash(f"Saved changes to {place.name}.", "success")
        return redirect(url_for(".places"))
    return render_template("admin/place_form.html", form=form, place=place, delete_form=ConfirmForm())


@bp.post("/places/<int:place_id>/delete")
@requires(Permission.ADMIN_REFERENCE)
def place_delete(place_id):
    """Delete a place with nothing beneath it."""
    place = db.get_or_404(Place, place_id)
    if ConfirmForm().validate_on_submit():
        try:
            reference_services.delete_place(place, actor=current_user)
        except reference_services.ReferenceRuleError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".place_edit", place_id=place_id))
        db.session.commit()
        flash("The place has been deleted.", "success")
    return redirect(url_for(".places"))


# Topics --------------------------------------------------------------------------

TOPIC_PAGES = {
    "noun": "topic",
    "plural": "topics",
    "intro": "What engagement and consultation are about. Archived topics stay on old records.",
    "list_endpoint": "admin.topics",
    "new_endpoint": "admin.topic_new",
    "edit_endpoint": "admin.topic_edit",
    "id_arg": "topic_id",
}


@bp.get("/topics")
@requires(Permission.ADMIN_REFERENCE)
def topics():
    """List topics, archived last."""
    return render_template("admin/named_list.html", items=reference_queries.all_topics(), **TOPIC_PAGES)


@bp.route("/topics/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def topic_new():
    """Add a topic."""
    form = TopicForm()
    if form.validate_on_submit():
        topic = reference_services.create_topic(
            actor=current_user, name=form.name.data, description=form.description.data or ""
        )
        db.session.commit()
        flash(f"Added the topic {topic.name}.", "success")
        return redirect(url_for(".topics"))
    return render_template("admin/named_form.html", form=form, item=None, **TOPIC_PAGES)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def topic_edit(topic_id):
    """Rename, describe, archive or restore a topic."""
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic, topic=topic)
    if form.validate_on_submit():
        reference_services.update_topic(
            topic,
            actor=current_user,
            name=form.name.data,
            description=form.description.data or "",
            is_archived=form.is_archived.data,
        )
        db.session.commit()
        flash(f"Saved changes to {topic.name}.", "success")
        return redirect(url_for(".topics"))
    return render_template("admin/named_form.html", form=form, item=topic, **TOPIC_PAGES)


# Seldom-heard groups -------------------------------------------------------------

GROUP_PAGES = {
    "noun": "seldom-heard group",
    "plural": "seldom-heard groups",
    "intro": "Groups the partnership hears from least. Organisations and people on the map can represent them, "
    "and the map shows which are under-reached.",
    "list_endpoint": "admin.seldom_groups",
    "new_endpoint": "admin.seldom_group_new",
    "edit_endpoint": "admin.seldom_group_edit",
    "id_arg": "seldom_group_id",
}


@bp.get("/seldom-heard-groups")
@requires(Permission.ADMIN_REFERENCE)
def seldom_groups():
    """List the seldom-heard groups, archived last."""
    return render_template(
        "admin/named_list.html", items=stakeholder_queries.seldom_heard_groups(include_archived=True), **GROUP_PAGES
    )


@bp.route("/seldom-heard-groups/new", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def seldom_group_new():
    """Add a seldom-heard group to the list."""
    form = SeldomHeardGroupForm()
    if form.validate_on_submit():
        group = stakeholder_services.create_seldom_heard_group(
            actor=current_user, name=form.name.data, description=form.description.data or ""
        )
        db.session.commit()
        flash(f"Added {group.name}.", "success")
        return redirect(url_for(".seldom_groups"))
    return render_template("admin/named_form.html", form=form, item=None, **GROUP_PAGES)


@bp.route("/seldom-heard-groups/<int:seldom_group_id>/edit", methods=["GET", "POST"])
@requires(Permission.ADMIN_REFERENCE)
def seldom_group_edit(seldom_group_id):
    """Rename, describe, archive or restore a seldom-heard group."""
    group = db.get_or_404(SeldomHeardGroup, seldom_group_id)
    form = SeldomHeardGroupForm(group=group)
    if form.validate_on_submit():
        stakeholder_services.update_seldom_heard_group(
            group,
            actor=current_user,
            name=form.name.data,
            description=form.description.data or "",
            is_archived=form.is_archived.data,
        )
        db.session.commit()
        flash(f"Saved changes to {group.name}.", "success")
        return redirect(url_for(".seldom_groups"))
    return render_template("admin/named_form.html", form=form, item=group, **GROUP_PAGES)


# Audit log -----------------------------------------------------------------------


@bp.get("/audit")
@requires(Permission.ADMIN_AUDIT)
def audit():
    """Browse and filter the audit log."""
    form = AuditFilterForm(request.args, users=account_queries.users_by_name(), object_types=audit_log.object_types())
    entries = None
    if form.validate():
        start = london_day_bounds(form.date_from.data)[0] if form.date_from.data else None
        end = london_day_bounds(form.date_to.data)[1] if form.date_to.data else None
        query = audit_log.search_entries(
            actor_id=form.actor.data or None,
            action=form.action.data or None,
            object_type=form.object_type.data or None,
            start=start,
            end=end,
        )
        page = request.args.get("page", 1, type=int)
        # A huge page number would overflow the database's OFFSET: a 500 rather than a 404.
        if page < 1 or page > MAX_AUDIT_PAGE:
            abort(404)
        entries = db.paginate(query, page=page, per_page=50, error_out=False)
    return render_template("admin/audit.html", form=form, entries=entries)
