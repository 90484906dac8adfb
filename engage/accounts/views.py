"""Sign in, sign out, the account page (with API tokens) and changing one's password."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engage.accounts import queries, services, sessions, two_factor
from engage.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    SignInForm,
    TurnOffTwoFactorForm,
    TwoFactorCodeForm,
)
from engage.accounts.models import ApiToken, TokenScope, User
from engage.accounts.passwords import verify_password
from engage.dates import now_utc
from engage.extensions import db, limiter
from engage.forms import ConfirmForm
from engage.permissions import PUBLIC, Permission, Role, requires

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
            target = safe_next(request.args.get("next"))
            # A fresh session at sign-in, so a cookie planted beforehand grants nothing.
            session.clear()
            if user.two_factor_enabled:
                # Not signed in yet: the code step is bound to this session and short-lived.
                session[PENDING_KEY] = {
                    "user": user.get_id(),
                    "until": int(now_utc().timestamp()) + PENDING_SECONDS,
                    "tries": 0,
                    "next": target,
                }
                return redirect(url_for("accounts.sign_in_code"))
            login_user(user)
            sessions.begin()
            session.permanent = True
            return redirect(target)
        form.password.errors.append(SIGN_IN_FAILED)
    return render_template("accounts/sign_in.html", form=form)


#: The session key of a sign-in waiting for its two-factor code, how long it waits, and how many
#: codes one wait allows (each wrong code also counts towards the account's lockout).
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300
CODE_ATTEMPTS = 5
CODE_FAILED = "Enter a correct code from your authenticator app, or one of your recovery codes"


def pending_sign_in():
    """Return the user whose password was right in this session and who owes a code, or None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("until", 0) < now_utc().timestamp():
        session.pop(PENDING_KEY, None)
        return None
    user_id, _, epoch = str(pending.get("user", "")).partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or str(user.session_epoch) != epoch or not user.is_active or not user.two_factor_enabled:
        session.pop(PENDING_KEY, None)
        return None
    return user


@bp.route("/sign-in/code", methods=["GET", "POST"])
@requires(PUBLIC)
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in_code():
    """The second step of signing in with two-factor: a code from the app or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    user = pending_sign_in()
    if user is None:
        flash("Sign in again: the time to enter your code ran out.", "warning")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if services.check_second_factor(user, form.code.data):
            db.session.commit()
            target = session[PENDING_KEY].get("next") or url_for("main.dashboard")
            session.clear()
            login_user(user)
            sessions.begin()
            session.permanent = True
            return redirect(safe_next(target))
        db.session.commit()
        pending = session[PENDING_KEY]
        pending["tries"] = pending.get("tries", 0) + 1
        session.modified = True
        if user.is_locked or pending["tries"] >= CODE_ATTEMPTS:
            session.pop(PENDING_KEY, None)
            flash("Too many wrong codes. Sign in again.", "warning")
            return redirect(url_for("accounts.sign_in"))
        form.code.errors.append(CODE_FAILED)
    return render_template("accounts/sign_in_code.html", form=form)


@bp.post("/sign-out")
@requires(Permission.ACCOUNT_MANAGE)
def sign_out():
    """Sign the current user out."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.record_sign_out(current_user)
        sessions.end()
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("main.index"))
    return redirect(url_for("accounts.account"))


@bp.post("/sign-out-everywhere")
@requires(Permission.ACCOUNT_MANAGE)
def sign_out_everywhere():
    """End every session of the current user, on every device, this one included."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.sign_out_everywhere(current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out on every device.", "success")
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


SETUP_KEY = "two_factor_setup"


def admin_must_set_up_two_factor(user):
    return (
        current_app.config["REQUIRE_ADMIN_2FA"]
        and user.is_authenticated
        and user.role == Role.admin
        and not user.two_factor_enabled
    )


#: What an administrator who must set up two-factor may still open.
SET_UP_FIRST_ALLOWED = {"accounts.two_factor_settings", "accounts.sign_out", "static", "main.healthz"}


@bp.before_app_request
def send_admins_to_two_factor_set_up():
    """With REQUIRE_ADMIN_2FA, an administrator without two-factor can do nothing else until it is on."""
    if request.endpoint in SET_UP_FIRST_ALLOWED or not admin_must_set_up_two_factor(current_user):
        return None
    if request.method != "GET":
        abort(403)
    flash("Set up two-factor sign-in before you continue: administrators must use it.", "warning")
    return redirect(url_for("accounts.two_factor_settings"))


@bp.route("/two-factor", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_MANAGE)
def two_factor_settings():
    """Set up two-factor sign-in (QR code, the secret as text, confirm with a code), or see it is on."""
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        left = sum(1 for code in user.recovery_codes if code.used_at is None)
        return render_template(
            "accounts/two_factor_on.html",
            form=TurnOffTwoFactorForm(),
            recovery_codes_left=left,
            must_keep=admin_must_keep_two_factor(user),
        )
    secret = None
    if session.get(SETUP_KEY):
        try:
            secret = two_factor.decrypt_secret(session[SETUP_KEY])
        except two_factor.SecretUnreadable:
            secret = None
    if secret is None:
        secret = two_factor.new_secret()
        # Kept encrypted in the (signed, readable) session cookie until confirmed.
        session[SETUP_KEY] = two_factor.encrypt_secret(secret)
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        step = two_factor.matching_timestep(secret, form.code.data)
        if step is None:
            form.code.errors.append(
                "Enter the 6-digit code your authenticator app shows now (if it is refused, check the phone's clock)"
            )
        else:
            codes = services.enable_two_factor(user, secret=secret, timestep=step)
            db.session.commit()
            session.pop(SETUP_KEY, None)
            # The epoch moved on (other sessions end): keep this one signed in.
            login_user(user)
            # Shown once, straight from this answer, and never stored in plain text.
            return render_template("accounts/two_factor_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(secret, user.email)
    return render_template(
        "accounts/two_factor_set_up.html",
        form=form,
        qr_code=two_factor.qr_code_data_uri(uri),
        secret=two_factor.grouped(secret),
    )


def admin_must_keep_two_factor(user):
    return current_app.config["REQUIRE_ADMIN_2FA"] and user.role == Role.admin


@bp.post("/two-factor/turn-off")
@requires(Permission.ACCOUNT_MANAGE)
def turn_off_two_factor():
    """Turn two-factor sign-in off; needs the password or a current code."""
    user = current_user._get_current_object()
    if not user.two_factor_enabled:
        return redirect(url_for("accounts.two_factor_settings"))
    form = TurnOffTwoFactorForm()
    if admin_must_keep_two_factor(user):
        form.proof.errors = ["Administrators must use two-factor sign-in here, so it cannot be turned off"]
    elif form.validate_on_submit():
        proof = form.proof.data
        if two_factor.looks_like_totp(proof):
            proved = services.verify_second_factor(user, proof) == "totp"
        else:
            proved = verify_password(user.password_hash, proof)
        if proved:
            services.disable_two_factor(user, actor=user)
            db.session.commit()
            login_user(user)
            flash("Two-factor sign-in is off. Other sessions have been signed out.", "success")
            return redirect(url_for("accounts.account"))
        db.session.commit()
        form.proof.errors.append("Enter your correct password, or a current code from your app")
    left = sum(1 for code in user.recovery_codes if code.used_at is None)
    return render_template(
        "accounts/two_factor_on.html", form=form, recovery_codes_left=left, must_keep=admin_must_keep_two_factor(user)
    )


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
