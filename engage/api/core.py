"""What every API endpoint shares: the smorest Api, token authentication, cursors, problem bodies.

Authentication is by personal API token only (``Authorization: Bearer <token>``). A browser's
session cookie never counts under /api/: the current user of an API request is the token's user or
nobody. So no API request can be forged from another site (no CSRF), and reading the API from a
signed-in browser needs a token like any script.
"""

import base64
import binascii
import hashlib
import http
import json
from datetime import date

import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import abort, current_app, g, request, url_for
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from sqlalchemy import and_, or_
from werkzeug.exceptions import UnprocessableEntity

from engage.db import MAX_ID
from engage.extensions import db, login_manager

PROBLEM_JSON = "application/problem+json"
#: The largest page a client may ask for, and the page it gets when it does not say.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
#: A path segment holding an id, for route rules: ``f"/records/<{ID}:record_id>"``.
ID = f"int(max={MAX_ID})"
#: Methods a read-only token may use.
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with the field errors of a 422 under ``errors``."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "Field name -> what is wrong with it (422 only)"},
    )


class EngageApi(Api):
    """flask-smorest's Api, answering errors through engage.errors and documenting them as problems."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        # engage.errors already answers every error under /api/ with a problem body: smorest's
        # handler would replace the HTML error pages for the whole site.
        pass

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def make_api(app):
    """The Api for ``app``; its spec is served by engage.api.docs, not by smorest's own blueprint."""
    app.config.setdefault("API_TITLE", "Engage API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config["OPENAPI_URL_PREFIX"] = None
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "Read the shared engagement repository, stakeholders, themes and consultations, and load "
                    "stakeholders and records from scripts. Create a personal token on your account page and "
                    "send it as `Authorization: Bearer <token>`. Lists are paged by cursor: follow `next`. "
                    "Errors are RFC 9457 problem details."
                )
            },
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    return EngageApi(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})


def schema_name(schema):
    """Component name of a schema: its class name less "Schema"; a partial (PATCH) one ends "Patch"."""
    from apispec.ext.marshmallow.common import resolve_schema_cls

    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    if getattr(schema, "partial", False) is True:
        name += "Patch"
    return name


# -- authentication -------------------------------------------------------------------------------


def bearer_secret():
    """The token sent in the Authorization header, '' when there is none.

    :raise 401: if the header is there but is not a Bearer token.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return ""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, "Send your API token as 'Authorization: Bearer <token>'.")
    return secret.strip()


def refuse_unreadable_json():
    """Refuse a JSON body no handler could use, before one tries.

    Two kinds get past the JSON decoder's own checks and would be a 500: arrays or objects nested so
    deep that decoding runs out of stack (RecursionError, which Flask's ``silent`` does not catch), and
    text holding half of a UTF-16 pair (sent as ``"\\ud800"``), which decodes to a str that cannot be
    encoded to UTF-8, so storing it fails in the database driver. No person sends either.

    :raise 400: problem body naming the fault.
    """
    if not (request.is_json and request.content_length):
        return
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        abort(400, description="The body is nested too deeply.")
    if _has_lone_surrogate(body):
        abort(400, description="The body holds text that is not valid Unicode (a lone surrogate).")


def _has_lone_surrogate(body):
    """Whether any string in the decoded JSON ``body`` (keys included) holds a lone surrogate."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if not value.isascii() and any("\ud800" <= ch <= "\udfff" for ch in value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def authenticate():
    """Make the token's user the current user of this API request (or nobody); check the scope.

    Runs before every request under /api/. Cookies are ignored here on purpose (see the module).

    :raise 401: for an unknown, expired or revoked token, or one whose user is deactivated.
    :raise 403: for a write with a read-only token.
    """
    from engage.accounts import queries, services

    g.api_token = None
    g._login_user = login_manager.anonymous_user()
    secret = bearer_secret()
    if not secret:
        return
    token = queries.api_token_by_secret(secret)
    if token is None or not token.is_usable:
        abort(401, "This API token is not valid: it may have expired or been revoked.")
    g.api_token = token
    g._login_user = token.user
    if request.method not in READ_METHODS and not token.can_write:
        abort(403, "This token may only read. Create a read and write token on your account page.")
    services.token_used(token)
    db.session.commit()


def rate_limit_key():
    """Rate limits count per token (a hash of it, never the token), or per address without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    from flask_limiter.util import get_remote_address

    return "api-address:" + get_remote_address()


def rate_limit():
    return current_app.config["API_RATE_LIMIT"]


# -- paging ---------------------------------------------------------------------------------------


#: How lists read their query string: a parameter the list does not know is a 422, not silently ignored.
QUERY = {"location": "query", "unknown": ma.RAISE}


class PageArgs(ma.Schema):
    """Cursor paging, shared by every list."""

    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}"},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=500),
        metadata={"description": "Where the page starts: the `next` cursor of the page before. Opaque."},
    )


class PageSchema(ma.Schema):
    """The envelope of every list."""

    next = ma.fields.String(
        allow_none=True, required=True, metadata={"description": "URL of the next page; null on the last page"}
    )
    next_cursor = ma.fields.String(allow_none=True, required=True)
    limit = ma.fields.Integer(required=True)


def page_schema(item_schema, name):
    """A list envelope schema holding ``items`` of ``item_schema``."""
    return type(name, (PageSchema,), {"items": ma.fields.List(ma.fields.Nested(item_schema), required=True)})


def encode_cursor(values):
    """An opaque cursor: the sort key of the last item seen, as URL-safe base64 of JSON."""
    raw = json.dumps([v.isoformat() if isinstance(v, date) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor, types):
    """Return the values of a cursor made by encode_cursor, converted by ``types`` (one per value).

    :raise 422: if the cursor was not made by this API (edited, truncated, or from another list).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        converted = []
        for convert, value in zip(types, values, strict=True):
            # Only what encode_cursor could have made: ids within PostgreSQL's integer, text without NUL.
            if convert is int and (not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**31):
                raise ValueError
            if convert is not int and (not isinstance(value, str) or "\x00" in value):
                raise ValueError
            converted.append(convert(value))
        return converted
    except (ValueError, TypeError, UnicodeError, binascii.Error, json.JSONDecodeError):
        unprocessable({"cursor": ["This cursor is not one this list gave out. Start again without it."]})


def after(columns, values, descending):
    """SQL condition: rows strictly after ``values`` in the order ``columns`` (all one direction).

    Written as ``first <= v AND (first < v OR rest after)`` rather than a row comparison, so an
    index on the first column alone bounds the scan on both PostgreSQL and SQLite.
    """
    first, *rest = columns
    value, *rest_values = values
    if not rest:
        return first < value if descending else first > value
    bound = first <= value if descending else first >= value
    strictly = first < value if descending else first > value
    return and_(bound, or_(strictly, and_(first == value, after(rest, rest_values, descending))))


def keyset_page(query, columns, args, types, key_of, descending=False):
    """Run one page of ``query`` (already ordered by ``columns``) after the cursor in ``args``.

    :return: the envelope dict (items, next, next_cursor, limit) for PageSchema.
    """
    limit = args["limit"]
    if args.get("cursor"):
        query = query.where(after(columns, decode_cursor(args["cursor"], types), descending))
    rows = db.session.scalars(query.limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    return envelope(rows, encode_cursor(key_of(rows[-1])) if has_more else None, limit)


def envelope(items, next_cursor, limit):
    """The list body; the next page's URL keeps every query parameter but the cursor."""
    next_url = None
    if next_cursor:
        params = {k: v for k, v in request.args.items(multi=False) if k != "cursor"}
        next_url = url_for(request.endpoint, **(request.view_args or {}), **params, cursor=next_cursor)
        g.api_next_link = next_url
    return {"items": items, "next": next_url, "next_cursor": next_cursor, "limit": limit}


# -- bad input ------------------------------------------------------------------------------------


def unprocessable(errors, detail="Some of what was sent is not valid: see errors."):
    """Stop with a 422 problem body listing ``errors`` (field name -> messages)."""
    error = UnprocessableEntity(detail)
    error.data = {"errors": errors}
    raise error


def form_data(payload):
    """Turn a JSON object into the form data a WTForms form reads (lists become repeated fields)."""
    from werkzeug.datastructures import MultiDict

    data = MultiDict()
    for key, value in payload.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                item = "y" if item else ""
            data.add(key, str(item))
    return data


def validated_form(form_class, payload, **kwargs):
    """Build ``form_class`` from a JSON payload and validate it with the page's own rules.

    :raise 422: listing the form's field errors; nothing has been stored.
    """
    form = form_class(formdata=form_data(payload), meta={"csrf": False}, **kwargs)
    if not form.validate():
        unprocessable({name: list(messages) for name, messages in form.errors.items()})
    return form


# -- documenting ----------------------------------------------------------------------------------

ETAG_HEADER = {
    "ETag": {
        "description": "Send it back in If-None-Match to get 304 when nothing changed",
        "schema": {"type": "string"},
    }
}


def reads(bp, schema, pages=False):
    """Document a read: 200 with ``schema`` (and an ETag), or 304 when If-None-Match still matches."""
    headers = dict(ETAG_HEADER)
    if pages:
        headers["Link"] = {"description": 'The next page, rel="next"', "schema": {"type": "string"}}

    def decorator(fn):
        fn = bp.response(200, schema, headers=headers)(fn)
        return bp.alt_response(304, description="Not modified: the ETag sent in If-None-Match still matches")(fn)

    return decorator


def writes(bp, schema, status=201):
    """Document a write answering ``status`` with ``schema``; bad input is a 422 problem."""

    def decorator(fn):
        return bp.response(status, schema)(fn)

    return decorator
