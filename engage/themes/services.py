"""Writes to themes and their evidence, each with its audit entry. The caller commits."""

from sqlalchemy import select

from engage import audit
from engage.dates import now_utc
from engage.extensions import db
from engage.themes.models import Theme, ThemeEvidence, slugify, title_key

THEME_FIELDS = ("title", "description", "response")


def _unique_slug(title, theme_id=None):
    base = slugify(title)
    slug, n = base, 2
    while True:
        clash = db.session.scalar(select(Theme.id).where(Theme.slug == slug))
        if clash is None or clash == theme_id:
            return slug
        slug, n = f"{base}-{n}", n + 1


def create_theme(*, actor, title, description="", response=""):
    """Create a theme (unpublished)."""
    theme = Theme(
        title=title,
        title_key=title_key(title),
        slug=_unique_slug(title),
        description=description,
        response=response,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(theme)
    audit.record(actor, "create", theme, ["description", "response", "slug", "title"])
    return theme


def update_theme(theme, *, actor, **values):
    """Change a theme's title, description or response; returns the fields changed."""
    changed = [key for key in THEME_FIELDS if getattr(theme, key) != values[key]]
    for key in changed:
        setattr(theme, key, values[key])
    if "title" in changed:
        theme.title_key = title_key(theme.title)
        theme.slug = _unique_slug(theme.title, theme.id)
        changed.append("slug")
    if changed:
        audit.record(actor, "update", theme, changed)
    db.session.flush()
    return changed


def publish_response(theme, *, actor):
    """Publish the theme's "we did" response on the public page.

    :raises ValueError: when there is no response to publish, or it is already published.
    """
    if not theme.response.strip():
        raise ValueError("Write what was done before publishing the response")
    if theme.is_published:
        raise ValueError("The response is already published")
    theme.published_at = now_utc()
    audit.record(actor, "update", theme, ["published_at"])
    db.session.flush()


def unpublish_response(theme, *, actor):
    """Take the response off the public page (it stays as a draft)."""
    if not theme.is_published:
        raise ValueError("The response is not published")
    theme.published_at = None
    audit.record(actor, "update", theme, ["published_at"])
    db.session.flush()


def add_evidence(theme, record, *, actor, quote=None, note=""):
    """Attach a record, or one of its quotes, to a theme.

    :raises ValueError: if the quote is not the record's, or the same evidence is already attached.
    """
    if quote is not None and quote.record_id != record.id:
        raise ValueError("That quote is not on this record")
    quote_key = quote.id if quote is not None else 0
    duplicate = db.session.scalar(
        select(ThemeEvidence.id).where(
            ThemeEvidence.theme_id == theme.id,
            ThemeEvidence.record_id == record.id,
            ThemeEvidence.quote_key == quote_key,
        )
    )
    if duplicate is not None:
        what = "This quote" if quote is not None else "This record"
        raise ValueError(f"{what} is already evidence for \u201c{theme.title}\u201d")
    evidence = ThemeEvidence(
        theme=theme,
        record_id=record.id,
        quote_id=quote.id if quote is not None else None,
        quote_key=quote_key,
        note=note,
        added_by_id=getattr(actor, "id", None),
    )
    db.session.add(evidence)
    audit.record(actor, "create", evidence, ["note", "quote_id", "record_id", "theme_id"])
    return evidence


def remove_evidence(evidence, *, actor):
    """Detach evidence from its theme (the record and quote are untouched)."""
    audit.record(actor, "delete", evidence, ["note", "quote_id", "record_id", "theme_id"])
    db.session.delete(evidence)
    db.session.flush()
