"""Friendly error pages, and RFC 9457 problem details for everything under /api/."""

import logging
import time

from flask import g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable, UnprocessableEntity

from engage.extensions import db, limiter, login_manager

log = logging.getLogger(__name__)

#: Status codes with a page of their own; any other falls back to errors/error.html.
PAGES = {403: "errors/403.html", 404: "errors/404.html", 500: "errors/500.html"}

FRIENDLY = {
    400: ("Sorry, there is a problem with what was sent", "Go back, check what you entered and try again."),
    401: ("You need to sign in", "Sign in to use this part of Engage."),
    403: ("You do not have permission to see this page", ""),
    404: ("Page not found", ""),
    405: ("Sorry, that action is not allowed here", ""),
    413: ("The file or form you sent is too large", "Try again with a smaller file."),
    415: ("Send the request body as JSON", "Set the Content-Type header to application/json."),
    422: ("Some of what was sent is not valid", ""),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: (
        "Sorry, the service is unavailable",
        "Try again in a few minutes. If you saw a confirmation, what you sent is safe.",
    ),
}


def wants_json():
    """Return True for API requests, which get problem-detail JSON instead of pages."""
    return request.path.startswith("/api/")


def problem(status, detail=None, errors=None):
    """Return an RFC 9457 problem-details response; ``errors`` maps field names to messages (422)."""
    title = FRIENDLY.get(status, ("Error", ""))[0]
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    return response


def field_errors(error):
    """Field name -> messages carried by a 422: ours (engage.api.core) or webargs' (by location)."""
    data = getattr(error, "data", None) or {}
    if "errors" in data:
        return data["errors"]
    merged = {}
    for location_errors in (data.get("messages") or {}).values():
        if isinstance(location_errors, dict):
            merged.update(location_errors)
    return merged or None


def retry_after():
    """Seconds until the breached rate limit resets (the limiter's own headers are off: see config)."""
    breached = limiter.current_limit
    return max(1, int(breached.reset_at - time.time()) + 1) if breached is not None else None


def render_error(status, detail=None, errors=None):
    """Render the error page (or problem JSON) for ``status``."""
    if wants_json():
        return problem(status, detail, errors)
    title, advice = FRIENDLY.get(status, ("Sorry, there is a problem", ""))
    template = PAGES.get(status, "errors/error.html")
    return render_template(template, status=status, title=title, advice=detail or advice), status


def init_app(app):
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, "This form has expired or was sent from another page. Go back, reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if wants_json() and error.code not in (404, 500) else None
        errors = field_errors(error) if wants_json() and error.code == 422 else None
        if errors and error.description == UnprocessableEntity.description:
            detail = "Some of what was sent is not valid: see errors."
        response = make_response(render_error(error.code, detail, errors))
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429 and (seconds := retry_after()):
            response.headers["Retry-After"] = str(seconds)
        if error.code == 401 and wants_json():
            response.headers["WWW-Authenticate"] = 'Bearer realm="engage"'
        for name, value in (getattr(error, "headers", None) or {}).items() if wants_json() else ():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The database went away (restart, full disk, lock timeout): say so politely.
        db.session.rollback()
        # Drawing the page must not need the database: who is signed in cannot be looked up now,
        # and a user already loaded was expired by the rollback. So the page is drawn as for a
        # visitor (in Flask-Login's per-request slot); the session cookie keeps them signed in.
        g._login_user = login_manager.anonymous_user()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        return render_error(ServiceUnavailable.code)

    @app.teardown_appcontext
    def end_session(exc):
        # Runs before Flask-SQLAlchemy's own teardown (teardowns run last registered first). Ending
        # the request's transaction sends ROLLBACK, which fails when the database server has cut
        # the connection since the last query (a restart). The page is already made and nothing
        # uncommitted could be kept anyway, so that is no 500: the transaction is over by then,
        # and removing the session again hands its connection back to the pool, which drops it.
        try:
            db.session.remove()
        except OperationalError as error:
            log.warning("database connection lost at the end of a request: %s", type(error.orig).__name__)
            db.session.remove()

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)
