"""/api/v1/themes: themes with the evidence the reader may see (the same rule as the theme pages)."""

from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import func, select

from engage.api.core import ID, QUERY, PageArgs, keyset_page, reads
from engage.api.schemas import ThemeDetailSchema, ThemePage
from engage.extensions import db
from engage.permissions import Permission, requires
from engage.records.models import EngagementRecord
from engage.records.rules import visible_to
from engage.themes import queries
from engage.themes.models import Theme, ThemeEvidence

bp = Blueprint("api_themes", __name__, url_prefix="/api/v1", description="Themes and their evidence")


def _visible_counts(user, theme_ids):
    if not theme_ids:
        return {}
    return dict(
        db.session.execute(
            select(ThemeEvidence.theme_id, func.count(ThemeEvidence.id))
            .join(EngagementRecord, EngagementRecord.id == ThemeEvidence.record_id)
            .where(ThemeEvidence.theme_id.in_(theme_ids), visible_to(user))
            .group_by(ThemeEvidence.theme_id)
        ).all()
    )


def theme_out(theme, evidence_count):
    """A theme as the API shows it."""
    return {
        "id": theme.id,
        "title": theme.title,
        "slug": theme.slug,
        "description": theme.description,
        "response": theme.response,
        "published_at": theme.published_at,
        "evidence_count": evidence_count,
    }


@bp.route("/themes", methods=["GET"])
@requires(Permission.THEMES_READ)
@bp.arguments(PageArgs, **QUERY)
@reads(bp, ThemePage, pages=True)
def list_themes(args):
    """List themes by title, each with how much evidence you can see for it."""
    query = select(Theme).order_by(Theme.title, Theme.id)
    page = keyset_page(query, (Theme.title, Theme.id), args, (str, int), lambda t: (t.title, t.id))
    counts = _visible_counts(current_user, [t.id for t in page["items"]])
    page["items"] = [theme_out(t, counts.get(t.id, 0)) for t in page["items"]]
    return page


@bp.route(f"/themes/<{ID}:theme_id>", methods=["GET"])
@requires(Permission.THEMES_READ)
@reads(bp, ThemeDetailSchema)
def get_theme(theme_id):
    """Read a theme with its evidence from the records you may read, newest first."""
    theme = db.get_or_404(Theme, theme_id)
    evidence = queries.visible_evidence(theme, current_user)
    return {
        **theme_out(theme, len(evidence)),
        "evidence": [
            {
                "record_id": item.record_id,
                "record_title": item.record.title,
                "quote": item.quote.text if item.quote else None,
                "note": item.note,
            }
            for item in evidence
        ],
    }
