"""Sign in, sign out, the account page (with API tokens) and changing one's password."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engage.accounts import queries, services
from engage.accounts.forms import ApiTokenForm, ChangePasswordForm, SignInForm
from engage.accounts.models import ApiToken, TokenScope
from engage.accounts.passwords import verify_password
from engage.extensions import db, limiter
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, requires

bp = Blueprint("accounts", __name__, url_prefix="/account")

SIGN_IN_FAILED = (
    "Enter a correct email address and password. After several wrong attempts the account is locked for a while."
)


def safe_next(target):
    """Return ``target`` if it is a path on this site, else the dashboard (no open redirects)."""
    # Control characters are refused too: a line break in a Location header is a 500.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.dashboard")


def sign_in_limit():
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    """Sign a member of staff in; one message for every kind of failure."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            # A fresh session at sign-in, so a cookie planted beforehand grants nothing.
            session.clear()
            login_user(user)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(SIGN_IN_FAILED)
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
@requires(Permission.ACCOUNT_MANAGE)
def sign_out():
    """Sign the current user out."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.record_sign_out(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("main.index"))
    return redirect(url_for("accounts.account"))


@bp.get("/")
@requires(Permission.ACCOUNT_MANAGE)
def account():
    """Show the signed-in user's details and API tokens."""
    return _account_page(ApiTokenForm())


def _account_page(form, new_secret=None, status=200):
    tokens = queries.api_tokens_of(current_user)
    return (
        render_template(
            "accounts/account.html", token_form=form, tokens=tokens, new_secret=new_secret, action_form=ConfirmForm()
        ),
        status,
    )


@bp.post("/tokens")
@requires(Permission.ACCOUNT_MANAGE)
def create_token():
    """Create a personal API token and show its secret, this once (it is not stored, so no redirect)."""
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _account_page(form, status=422 if form.is_submitted() else 200)
    user = current_user._get_current_object()
    _token, secret = services.create_api_token(
        user, actor=user, name=form.name.data, scope=TokenScope(form.scope.data), expires_at=form.expires_at()
    )
    db.session.commit()
    return _account_page(ApiTokenForm(formdata=None), new_secret=secret, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@requires(Permission.ACCOUNT_MANAGE)
def revoke_token(token_id):
    """Revoke one of one's own API tokens; anyone else's is 404."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.revoke_api_token(token, actor=current_user)
        db.session.commit()
        flash(f"Token '{token.name}' revoked: it no longer works.", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
def change_password():
    """Change one's own password; other sessions are signed out."""
    form = ChangePasswordForm(user=current_user)
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            user = current_user._get_current_object()
            services.change_password(user, actor=user, new_password=form.new_password.data)
            db.session.commit()
            # The epoch moved on: sign this session in again so only the others end.
            login_user(user)
            flash("Your password has been changed. Other sessions have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)
