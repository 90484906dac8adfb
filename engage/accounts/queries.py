"""Reads of users."""

from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db


def users_by_name():
    """Return every user, active first, then by name."""
    return db.session.scalars(select(User).order_by(User.is_active.desc(), User.name)).all()


def api_tokens_of(user):
    """The user's API tokens that still work, newest first (revoked and expired ones are left out)."""
    from engage.accounts.models import ApiToken
    from engage.dates import now_utc

    return db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now_utc())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def api_token_by_secret(secret):
    """The ApiToken whose secret this is (usable or not), or None."""
    from engage.accounts.models import ApiToken
    from engage.accounts.services import api_token_hash

    if not secret or len(secret) > 200:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == api_token_hash(secret)))
