"""The one permission layer: roles, named permissions, grants, object rules, can() and requires()."""

from enum import StrEnum
from functools import wraps

from flask import abort, request
from flask_login import current_user

from engage.extensions import login_manager


class Role(StrEnum):
    """Staff roles. Residents have no account: they are the anonymous role."""

    admin = "admin"
    officer = "officer"
    reviewer = "reviewer"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.admin: "Administrator",
    Role.officer: "Engagement officer",
    Role.reviewer: "Reviewer",
}

#: The role name the permission layer uses for a visitor who is not signed in.
ANONYMOUS = "anonymous"


class Permission(StrEnum):
    """Every permission in the app, ``"<domain>:<action>"``, kept in alphabetical order."""

    ACCOUNT_MANAGE = "account:manage"
    ADMIN_AUDIT = "admin:audit"
    ADMIN_REFERENCE = "admin:reference"
    ADMIN_USERS = "admin:users"
    CHARTERS_COMMENT = "charters:comment"
    CHARTERS_MANAGE = "charters:manage"
    CHARTERS_READ = "charters:read"
    CONSULTATIONS_MANAGE = "consultations:manage"
    CONSULTATIONS_READ = "consultations:read"
    DASHBOARD_VIEW = "dashboard:view"
    DATA_PROTECTION = "dataprotection:manage"
    RECORDS_MANAGE = "records:manage"
    RECORDS_READ = "records:read"
    RECORDS_RESOLVE = "records:resolve"
    RECORDS_REVIEW = "records:review"
    STAKEHOLDERS_EXPORT = "stakeholders:export"
    STAKEHOLDERS_MANAGE = "stakeholders:manage"
    STAKEHOLDERS_READ = "stakeholders:read"
    THEMES_MANAGE = "themes:manage"
    THEMES_READ = "themes:read"


#: Marks a route anyone may open, signed in or not. Declared explicitly, never assumed.
PUBLIC = "public"

_STAFF = {
    Permission.ACCOUNT_MANAGE,
    Permission.CHARTERS_COMMENT,
    Permission.CHARTERS_READ,
    Permission.CONSULTATIONS_READ,
    Permission.DASHBOARD_VIEW,
    Permission.RECORDS_READ,
    Permission.RECORDS_REVIEW,
    Permission.STAKEHOLDERS_READ,
    Permission.THEMES_READ,
}
_OFFICER = _STAFF | {
    Permission.CHARTERS_MANAGE,
    Permission.CONSULTATIONS_MANAGE,
    Permission.RECORDS_MANAGE,
    Permission.RECORDS_RESOLVE,
    Permission.STAKEHOLDERS_EXPORT,
    Permission.STAKEHOLDERS_MANAGE,
    Permission.THEMES_MANAGE,
}

#: Role -> permissions. NOTE: keep tests/test_route_matrix.py's expectations in step.
GRANTS = {
    ANONYMOUS: frozenset(),
    Role.reviewer: frozenset(_STAFF),
    Role.officer: frozenset(_OFFICER),
    Role.admin: frozenset(
        _OFFICER
        | {Permission.ADMIN_AUDIT, Permission.ADMIN_REFERENCE, Permission.ADMIN_USERS, Permission.DATA_PROTECTION}
    ),
}

#: Permission -> object-level predicate ``rule(user, obj) -> bool``, registered by <domain>/rules.py.
_RULES = {}


def rule(permission):
    """Register ``fn(user, obj)`` as the object-level rule for ``permission``."""

    def decorator(fn):
        if permission in _RULES and _RULES[permission] is not fn:
            raise ValueError(f"a rule for {permission} is already registered")
        _RULES[permission] = fn
        return fn

    return decorator


def role_of(user):
    """Return the user's role, or ANONYMOUS for a visitor who is not signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return user.role


def can(user, permission, obj=None):
    """Return True when ``user`` holds ``permission`` (on ``obj``, when given).

    The role grant is checked first; an object-level rule, if one is registered,
    then decides for the particular object.
    """
    if permission == PUBLIC:
        return True
    if permission not in GRANTS.get(role_of(user), ()):
        return False
    if obj is not None and permission in _RULES:
        return bool(_RULES[permission](user, obj))
    return True


def require(condition):
    """Abort with 403 unless ``condition`` holds (object-level checks in views)."""
    if not condition:
        abort(403)


def requires(permission):
    """Declare the permission a view needs; anonymous visitors go to sign-in, others get 403.

    The permission is stored on the view function so the route matrix test can
    read it from ``app.url_map``.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if permission != PUBLIC and not can(current_user, permission):
                if not current_user.is_authenticated:
                    if request.path.startswith("/api/"):
                        abort(401)
                    return login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator
