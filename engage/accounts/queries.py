"""Reads of users."""

from sqlalchemy import select

from engage.accounts.models import User
from engage.extensions import db


def users_by_name():
    """Return every user, active first, then by name."""
    return db.session.scalars(select(User).order_by(User.is_active.desc(), User.name)).all()
