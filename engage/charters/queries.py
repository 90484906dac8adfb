"""Reads: the staff and public lists, loading by slug, comment threads and the moderation queue."""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.charters.models import Charter, CharterAdoption, CharterComment, CharterStage, Moderation
from engage.extensions import db
from engage.permissions import Permission, can


def all_charters():
    """Every charter for staff, most recently changed first."""
    return db.session.scalars(
        select(Charter).options(selectinload(Charter.places)).order_by(Charter.updated_at.desc(), Charter.id.desc())
    ).all()


def _public_condition():
    adopted = exists().where(CharterAdoption.charter_id == Charter.id)
    return or_(adopted, Charter.stage == CharterStage.open_for_comment)


def public_charters():
    """Charters residents may see: adopted at least once, or a draft open for comment; by title."""
    return db.session.scalars(
        select(Charter).where(_public_condition()).options(selectinload(Charter.adoptions)).order_by(Charter.title)
    ).all()


def public_by_slug(slug):
    """The charter at ``slug`` if residents may see it, else None."""
    return db.session.scalar(select(Charter).where(Charter.slug == slug, _public_condition()))


def slug_taken(slug, exclude_id=None):
    """True when another charter already uses ``slug``."""
    query = select(Charter.id).where(Charter.slug == slug)
    if exclude_id is not None:
        query = query.where(Charter.id != exclude_id)
    return db.session.scalar(query) is not None


def staff_users():
    """Active staff who can own a charter, by name."""
    return db.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.name, User.id)).all()


def comment_threads(charter, user):
    """Top-level comments ``user`` may see, by section key: pending residents' comments only for moderators;
    rejected ones for nobody."""
    moderator = can(user, Permission.CHARTERS_MANAGE)
    allowed = (Moderation.approved, Moderation.pending) if moderator else (Moderation.approved,)
    comments = db.session.scalars(
        select(CharterComment)
        .where(
            CharterComment.charter_id == charter.id,
            CharterComment.parent_id.is_(None),
            CharterComment.moderation.in_(allowed),
        )
        .options(selectinload(CharterComment.replies), selectinload(CharterComment.version))
        .order_by(CharterComment.created_at, CharterComment.id)
    ).all()
    threads = {}
    for comment in comments:
        threads.setdefault(comment.section_key, []).append(comment)
    return threads


def pending_comments(charter):
    """Residents' comments waiting for moderation, oldest first."""
    return db.session.scalars(
        select(CharterComment)
        .where(CharterComment.charter_id == charter.id, CharterComment.moderation == Moderation.pending)
        .order_by(CharterComment.created_at, CharterComment.id)
    ).all()


def public_comments(charter, version):
    """Residents' approved comments on ``version``, by section key (staff discussion is never public)."""
    comments = db.session.scalars(
        select(CharterComment)
        .where(
            CharterComment.charter_id == charter.id,
            CharterComment.version_id == version.id,
            CharterComment.author_id.is_(None),
            CharterComment.parent_id.is_(None),
            CharterComment.moderation == Moderation.approved,
        )
        .order_by(CharterComment.created_at, CharterComment.id)
    ).all()
    threads = {}
    for comment in comments:
        threads.setdefault(comment.section_key, []).append(comment)
    return threads
