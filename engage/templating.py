"""Template globals and filters: permission checks, navigation by role, London dates."""

import secrets

from flask import current_app, request, url_for
from flask_login import AnonymousUserMixin, current_user

from engage import NHSUK_FRONTEND_VERSION
from engage.dates import format_london
from engage.forms import ConfirmForm, field_kind
from engage.permissions import PUBLIC, Permission, can
from engage.text import render_markdown

#: The header navigation: (label, endpoint, permission, endpoint prefix(es) of its section).
#: Each user sees only the items they may open.
NAVIGATION = [
    ("Dashboard", "main.dashboard", Permission.DASHBOARD_VIEW, "main.dashboard"),
    ("Stakeholders", "stakeholders.map", Permission.STAKEHOLDERS_READ, "stakeholders."),
    ("Engagement records", "records.index", Permission.RECORDS_READ, "records."),
    ("Themes", "themes.index", Permission.THEMES_READ, "themes."),
    (
        "Consultations",
        "consultations.manage_index",
        Permission.CONSULTATIONS_READ,
        ("consultations.manage", "surveys."),
    ),
    ("Charters", "charters.manage_index", Permission.CHARTERS_READ, "charters.manage"),
    ("Users", "admin.users", Permission.ADMIN_USERS, "admin.user"),
    # One item for the three lists of reference data (each page links to the other two), so an
    # administrator's header fits without folding items into "More".
    (
        "Reference data",
        "admin.places",
        Permission.ADMIN_REFERENCE,
        ("admin.place", "admin.topic", "admin.seldom_group"),
    ),
    ("Audit log", "admin.audit", Permission.ADMIN_AUDIT, "admin.audit"),
]


def navigation_items():
    """Return the header navigation items the current user may open, marking the current one."""
    endpoint_now = request.endpoint or ""
    return [
        {
            "text": label,
            "href": url_for(endpoint),
            "current": endpoint_now == endpoint,
            "active": endpoint_now.startswith(prefix),
        }
        for label, endpoint, permission, prefix in NAVIGATION
        if permission == PUBLIC or can(current_user, permission)
    ]


def anonymous_sees_navigation():
    """Whether a visitor who is not signed in gets any header navigation (fixed by the grants).

    When not, an anonymous visitor's header is the same on every page and is drawn once per process.
    """
    return any(permission == PUBLIC or can(AnonymousUserMixin(), permission) for _, _, permission, _ in NAVIGATION)


#: Fragments each process keeps; the oldest goes first.
FRAGMENTS_MAX = 2048


def fragment(name, caller):
    """The HTML of a ``{% call fragment(name) %}`` block, rendered once per process and reused.

    For page parts that depend only on the app's fixed URLs (asset links, the footer, the skip link,
    the header an anonymous visitor sees) or on what ``name`` holds (a signed-in header is keyed by
    the account and the navigation): the NHS.UK macros that draw them cost milliseconds on every
    page. Never for anything that varies by request (a CSP nonce, a CSRF token): base.html puts the
    header's sign-out form in after, in place of ``header_slot``.
    The key includes the script root, the one part of ``url_for`` that could differ by request.
    With template auto-reload (development) every page renders afresh, so edits show at once.
    """
    if current_app.jinja_env.auto_reload:
        return caller()
    cache = current_app.extensions.setdefault("engage_fragments", {})
    key = (name, request.script_root)
    html = cache.get(key)
    if html is None:
        if len(cache) >= FRAGMENTS_MAX:  # bounded: names may come from data (a survey's questions)
            cache.pop(next(iter(cache)), None)
        html = cache[key] = caller()
    return html


def init_app(app):
    """Register the globals and filters."""

    anonymous_navigation = anonymous_sees_navigation()

    @app.context_processor
    def inject():
        return {
            "can": can,
            "Permission": Permission,
            "current_user": current_user,
            "navigation_items": navigation_items,
            "anonymous_navigation": anonymous_navigation,
            "nhsuk_version": NHSUK_FRONTEND_VERSION,
            "sign_out_form": ConfirmForm,
        }

    # A global, not a context variable: imported macros (macros/forms.html) see globals only.
    app.jinja_env.globals["field_kind"] = field_kind
    app.jinja_env.globals["fragment"] = fragment
    # Unguessable, so no text a user writes (their name, in the same header) can stand in for it.
    app.jinja_env.globals["header_slot"] = f"engage-slot-{secrets.token_hex(16)}"
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_london, "london")
    app.add_template_filter(lambda v: format_london(v, "%-d %B %Y"), "london_date")
