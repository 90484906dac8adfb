"""Account writes: creating and editing users, sign-in bookkeeping, password changes."""

import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from engage import audit
from engage.accounts.models import RecoveryCode, User
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

    A user with two-factor sign-in is not signed in yet: the password step is audited, and
    the failure count is kept until the code is right too (see ``check_second_factor``), so
    knowing the password does not reset the lockout that guards the codes.
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
        record_failure(user)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.two_factor_enabled:
        audit.record(user, "sign_in_password_ok", user)
        db.session.flush()
        return user
    complete_sign_in(user)
    return user


def record_failure(user, action="sign_in_failed"):
    """Count a failed password or code; lock the account when there have been too many."""
    user.failed_sign_ins += 1
    changed = ["failed_sign_ins"]
    if user.failed_sign_ins >= current_app.config["LOCKOUT_THRESHOLD"]:
        user.locked_until = now_utc() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        user.failed_sign_ins = 0
        changed.append("locked_until")
        audit.record(user, "locked", user, changed)
    else:
        audit.record(user, action, user, changed)
    db.session.flush()


def complete_sign_in(user):
    """The user is through every step: reset the counters and audit the sign-in."""
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now_utc()
    audit.record(user, "sign_in", user, ["last_sign_in_at"])
    db.session.flush()


def check_second_factor(user, code):
    """Check a code from the authenticator app, or a recovery code, at sign-in.

    Returns True and completes the sign-in when it is right; otherwise counts a failure towards
    the lockout and returns False. A TOTP code is accepted once only; a recovery code is used up.
    """
    if not user.is_active or user.is_locked or not user.two_factor_enabled:
        return False
    how = verify_second_factor(user, code)
    if how is None:
        record_failure(user, "two_factor_failed")
        return False
    if how == "recovery":
        remaining = sum(1 for c in user.recovery_codes if c.used_at is None)
        audit.record(user, "recovery_code_used", user, ["recovery_codes"])
        current_app.logger.info("A recovery code was used to sign in; %d left", remaining)
    complete_sign_in(user)
    return True


def verify_second_factor(user, code):
    """Return "totp" or "recovery" when ``code`` is right (and use it up), else None."""
    from engage.accounts import two_factor

    if two_factor.looks_like_totp(code):
        try:
            secret = two_factor.decrypt_secret(user.totp_secret)
        except two_factor.SecretUnreadable:
            current_app.logger.warning("A two-factor secret could not be decrypted (SECRET_KEY changed?)")
            return None
        step = two_factor.matching_timestep(secret, code, after=user.totp_last_timestep)
        if step is None:
            return None
        user.totp_last_timestep = step
        return "totp"
    wanted = two_factor.hash_recovery_code(code)
    for recovery in user.recovery_codes:
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = now_utc()
            return "recovery"
    return None


def enable_two_factor(user, *, secret, timestep):
    """Turn two-factor sign-in on with a confirmed secret; return the recovery codes to show once.

    Other sessions of the user end (the session epoch moves on).
    """
    from engage.accounts import two_factor

    codes = two_factor.new_recovery_codes()
    user.totp_secret = two_factor.encrypt_secret(secret)
    user.totp_enabled_at = now_utc()
    user.totp_last_timestep = timestep
    user.recovery_codes = [RecoveryCode(code_hash=two_factor.hash_recovery_code(code)) for code in codes]
    user.session_epoch += 1
    audit.record(
        user,
        "two_factor_enabled",
        user,
        ["recovery_codes", "session_epoch", "totp_enabled_at", "totp_last_timestep", "totp_secret"],
    )
    db.session.flush()
    return codes


def disable_two_factor(user, *, actor):
    """Turn two-factor sign-in off (by the user, or by an administrator as a reset)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_timestep = None
    user.recovery_codes = []
    user.session_epoch += 1
    audit.record(
        actor,
        "two_factor_disabled",
        user,
        ["recovery_codes", "session_epoch", "totp_enabled_at", "totp_last_timestep", "totp_secret"],
    )
    db.session.flush()


def sign_out_everywhere(user):
    """End every session of the user, on every device (the session epoch moves on)."""
    user.session_epoch += 1
    audit.record(user, "sign_out_everywhere", user, ["session_epoch"])
    db.session.flush()


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
