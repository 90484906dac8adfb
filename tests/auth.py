"""Signing a test client in without the sign-in form (which is tested on its own)."""

import secrets
import time

from engage.accounts import sessions


def put_signed_in(session, user):
    """Make ``session`` (from client.session_transaction()) signed in as ``user``, as sign-in does."""
    session["_user_id"] = user.get_id()
    session["_fresh"] = True
    session[sessions.ID] = secrets.token_urlsafe(8)
    session[sessions.BEGAN] = session[sessions.SEEN] = int(time.time())
