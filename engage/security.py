"""Response headers (CSP with nonces, framing, sniffing, referrer), sessions and the user loader."""

import functools

from flask import abort, request
from flask_login import current_user
from flask_talisman import Talisman
from sqlalchemy import bindparam, select

from engage.extensions import db, login_manager
from engage.validators import as_id, is_digits

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    # Declaring script-src is what makes Talisman add the nonce (RELIABILITY.md 3.6).
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    # The NHS.UK stylesheet loads Frutiger from assets.nhs.uk; offline it falls back to Arial.
    "font-src": "'self' https://assets.nhs.uk",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def init_app(app):
    """Install Talisman, the session user loader and the no-store rule for signed-in pages."""
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    # One Talisman per app: its options live on the instance.
    Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        permissions_policy={"browsing-topics": "()", "geolocation": "()", "camera": "()"},
    )

    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection would drop the session when a phone changes network.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    @app.before_request
    def cap_form_fields():
        # Werkzeug caps multipart parts (MAX_FORM_PARTS) but not url-encoded fields: cap both, so
        # a form post of thousands of fields is refused before any view reads it.
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields = sum(len(values) for values in request.form.lists())
            fields += sum(len(values) for values in request.files.lists())
            if fields > app.config["MAX_FORM_FIELDS"]:
                abort(413)

    @app.after_request
    def no_store_for_signed_in(response):
        # Pages for signed-in staff may hold personal data: never keep them in a cache.
        if current_user.is_authenticated or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response


def load_user(session_user_id):
    """Return the user for a session id ``"<id>.<epoch>"``, or None if it is stale or inactive.

    The session itself must also still be current: not signed out, not idle or too old (see
    engage/accounts/sessions.py). The user and whether the session was signed out are read in
    one query: this runs on every signed-in request.
    """
    from engage.accounts import sessions

    raw_id, _, epoch = session_user_id.partition(".")
    user_id = as_id(raw_id)
    if user_id is None or not is_digits(epoch):
        return None
    row = db.session.execute(
        _user_and_ended_session(), {"user_id": user_id, "id_hash": sessions.id_hash() or ""}
    ).first()
    if row is None:
        return None
    user, ended = row
    if not user.is_active or user.session_epoch != int(epoch):
        return None
    return user if sessions.is_current(signed_out=ended is not None) else None


@functools.cache
def _user_and_ended_session():
    """The user by id, with the id hash of the session if it was signed out (else NULL)."""
    from engage.accounts.models import EndedSession, User

    return (
        select(User, EndedSession.id_hash)
        .outerjoin(EndedSession, EndedSession.id_hash == bindparam("id_hash"))
        .where(User.id == bindparam("user_id"))
    )
