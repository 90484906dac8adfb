"""Account writes: creating and editing users, sign-in bookkeeping, password changes."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from engage import audit
from engage.accounts.models import User
from engage.accounts.passwords import burn_time, hash_password, needs_rehash, verify_password
from engage.dates import now_utc
from engage.extensions import db


def normalise_email(email):
    """Return the stored form of an email address: trimmed and lower-cased."""
    return (email or "").strip().lower()


def find_user_by_email(email):
    """Return the User with this email (any case), or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email, password):
    """Check a sign-in attempt and keep the lockout counters.

    Returns the user when the email and password match an active, unlocked account,
    otherwise None. The caller shows one message for every failure, so an attacker
    learns nothing about which part was wrong or whether the account exists.
    """
    user = find_user_by_email(email)
    if user is None:
        burn_time(password)
        audit.record(None, "sign_in_failed", None, object_type="users")
        return None
    if not user.is_active or user.is_locked:
        burn_time(password)
        audit.record(user, "sign_in_refused", user)
        return None
    if not verify_password(user.password_hash, password):
        user.failed_sign_ins += 1
        changed = ["failed_sign_ins"]
        if user.failed_sign_ins >= current_app.config["LOCKOUT_THRESHOLD"]:
            user.locked_until = now_utc() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
            user.failed_sign_ins = 0
            changed.append("locked_until")
            audit.record(user, "locked", user, changed)
        else:
            audit.record(user, "sign_in_failed", user, changed)
        db.session.flush()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now_utc()
    audit.record(user, "sign_in", user, ["last_sign_in_at"])
    db.session.flush()
    return user


def record_sign_out(user):
    """Add the sign-out to the audit log."""
    audit.record(user, "sign_out", user)


def create_user(*, actor, email, name, role, password, organisation=""):
    """Create a user; the caller has already checked the password policy and uniqueness."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        organisation=(organisation or "").strip(),
        password_hash=hash_password(password),
    )
    db.session.add(user)
    audit.record(actor, "create", user, ["email", "name", "organisation", "password_hash", "role"])
    return user


def update_user(user, *, actor, email, name, role, organisation):
    """Change a user's details; a role change signs them out so new rights apply at once."""
    old_role = user.role
    user.email = normalise_email(email)
    user.name = name.strip()
    user.role = role
    user.organisation = (organisation or "").strip()
    changed = audit.changed_fields(user)
    if user.role != old_role:
        user.session_epoch += 1
    if changed:
        audit.record(actor, "update", user, changed)
    db.session.flush()
    return changed


def set_user_active(user, *, actor, active):
    """Deactivate (signing the user out everywhere) or reactivate an account."""
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        user.session_epoch += 1
    else:
        user.failed_sign_ins = 0
        user.locked_until = None
    audit.record(actor, "reactivate" if active else "deactivate", user, ["is_active"])
    db.session.flush()


def unlock_user(user, *, actor):
    """Lift a sign-in lockout before it runs out."""
    user.locked_until = None
    user.failed_sign_ins = 0
    audit.record(actor, "unlock", user, ["failed_sign_ins", "locked_until"])
    db.session.flush()


def change_password(user, *, actor, new_password):
    """Set a new password and end every other session of the user."""
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    audit.record(actor, "update", user, ["password_hash", "session_epoch"])
    db.session.flush()


def count_admins():
    """Return the number of active administrators."""
    from engage.permissions import Role

    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.admin, User.is_active))


#: Every API token starts with this, so a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "eng_"  # noqa: S105 (a marker, not a secret)


def api_token_hash(secret):
    """The stored form of an API token's secret: SHA-256, hex."""
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(user, *, actor, name, scope, expires_at):
    """Make a personal API token for ``user``; return ``(token, secret)``.

    The secret is returned once and never stored: only its hash is kept.
    """
    import secrets

    from engage.accounts.models import ApiToken

    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        token_hash=api_token_hash(secret),
        prefix=secret[:8],
    )
    db.session.add(token)
    audit.record(actor, "create", token, ["expires_at", "name", "scope"])
    return token, secret


def revoke_api_token(token, *, actor):
    """Stop ``token`` working at once; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        audit.record(actor, "revoke", token, ["revoked_at"])
    db.session.flush()


def token_used(token):
    """Note when a token was last used, at most once a minute (so reads do not each write a row)."""
    now = now_utc()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.flush()
