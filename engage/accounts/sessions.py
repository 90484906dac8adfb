"""Signed-in sessions the server can end: a random id per sign-in, and idle and absolute time limits.

Flask keeps the session in a signed cookie; the server cannot take a cookie back, and Flask
re-issues it on every request, so its own expiry slides. Each sign-in therefore writes into the
session a random id and the time it began, and every request checks that
- the id has not been signed out (EndedSession), so a copied cookie is dead after "Sign out";
- the session began less than PERMANENT_SESSION_LIFETIME ago (absolute limit, 12 hours);
- the last request was less than SESSION_IDLE_SECONDS ago (idle limit, 30 minutes).
"Sign out everywhere", a password change and deactivation end every session at once through the
user's session epoch (User.get_id) instead.
"""

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app, flash, session

from engage.accounts.models import EndedSession
from engage.dates import now_utc
from engage.extensions import db

ID, BEGAN, SEEN = "_session_id", "_session_began", "_session_seen"
#: How often, at most, the last-seen time is rewritten (seconds): the idle limit is this coarse.
SEEN_GRANULARITY = 60


def _hash(session_id):
    return hashlib.sha256(session_id.encode()).hexdigest()


def begin():
    """Start a signed-in session (after login_user, in a session cleared at sign-in)."""
    now = int(time.time())
    session[ID] = secrets.token_urlsafe(24)
    session[BEGAN] = session[SEEN] = now


def id_hash():
    """The hash under which this session's sign-in id would be signed out, or None if it has none."""
    session_id = session.get(ID)
    return _hash(session_id) if isinstance(session_id, str) else None


def is_current(signed_out):
    """True if this request's session may stay signed in; notes the activity if so.

    ``signed_out``: whether the session's id (see id_hash) is an EndedSession, read by the caller
    with the user in one query. A session that ran out tells the user why on the sign-in page it
    leads to.
    """
    session_id, began, seen = session.get(ID), session.get(BEGAN), session.get(SEEN)
    if not isinstance(session_id, str) or not isinstance(began, int) or not isinstance(seen, int):
        return False
    now = int(time.time())
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if now - began > lifetime:
        return _expired(f"Your session ended after {lifetime / 3600:g} hours. Sign in again.")
    idle = current_app.config["SESSION_IDLE_SECONDS"]
    if now - seen > idle:
        return _expired(f"You were signed out after {idle // 60} minutes without activity. Sign in again.")
    if signed_out:
        return False
    if now - seen >= SEEN_GRANULARITY:
        session[SEEN] = now
    return True


def _expired(message):
    for key in (ID, BEGAN, SEEN):
        session.pop(key, None)
    flash(message, "info")
    return False


def end():
    """Sign this session's id out for good (the caller commits), and sweep ids too old to matter."""
    session_id = session.get(ID)
    if isinstance(session_id, str):
        db.session.merge(EndedSession(id_hash=_hash(session_id), ended_at=now_utc()))
    lifetime = current_app.permanent_session_lifetime
    db.session.query(EndedSession).where(EndedSession.ended_at < now_utc() - lifetime - timedelta(days=1)).delete()
