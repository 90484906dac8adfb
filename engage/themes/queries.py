"""Reads of themes and evidence: staff see evidence from records they may read; the public, public records only."""

from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.charts import months_between
from engage.extensions import db
from engage.records.models import EngagementRecord, Sensitivity
from engage.records.rules import visible_to
from engage.themes.models import Theme, ThemeEvidence

#: Residents see evidence from public records only.
PUBLIC = EngagementRecord.sensitivity == Sensitivity.public

#: The theme page's chart by month shows at most this many months (the latest).
MAX_MONTHS = 36


def _evidence(theme, condition):
    return _evidence_of([theme.id], condition)


def _evidence_of(theme_ids, condition):
    """Evidence of the themes ``theme_ids`` meeting ``condition``, newest record first, in one query."""
    return db.session.scalars(
        select(ThemeEvidence)
        .join(EngagementRecord, EngagementRecord.id == ThemeEvidence.record_id)
        .where(ThemeEvidence.theme_id.in_(theme_ids), condition)
        .options(
            selectinload(ThemeEvidence.record).selectinload(EngagementRecord.places),
            selectinload(ThemeEvidence.record).selectinload(EngagementRecord.topics),
            selectinload(ThemeEvidence.quote),
            selectinload(ThemeEvidence.added_by),
        )
        .order_by(EngagementRecord.happened_on.desc(), ThemeEvidence.id.desc())
    ).all()


def visible_evidence(theme, user):
    """Evidence for ``theme`` from records ``user`` may read, newest record first."""
    return _evidence(theme, visible_to(user))


def summarise(evidence):
    """Counts of evidence items by month (gaps shown as 0), by place and by topic, for charts and tables."""
    if not evidence:
        return {"by_month": [], "by_place": [], "by_topic": []}
    days = [item.record.happened_on for item in evidence]
    months = months_between(min(days), max(days))[-MAX_MONTHS:]
    per_month = Counter(day.replace(day=1) for day in days)
    places, topics = Counter(), Counter()
    for item in evidence:
        places.update(place.name for place in item.record.places)
        topics.update(topic.name for topic in item.record.topics)

    def ranked(counter):
        return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))

    return {
        "by_month": [(month, per_month.get(month, 0)) for month in months],
        "by_place": ranked(places),
        "by_topic": ranked(topics),
    }


def themes_overview(user):
    """Every theme with how much evidence ``user`` can see for it, by title."""
    counts = dict(
        db.session.execute(
            select(ThemeEvidence.theme_id, func.count(ThemeEvidence.id))
            .join(EngagementRecord, EngagementRecord.id == ThemeEvidence.record_id)
            .where(visible_to(user))
            .group_by(ThemeEvidence.theme_id)
        ).all()
    )
    themes = db.session.scalars(select(Theme).order_by(Theme.title)).all()
    return [(theme, counts.get(theme.id, 0)) for theme in themes]


def themes_with_record(record):
    """The evidence items that attach ``record`` (whole or a quote) to a theme, by theme title."""
    return db.session.scalars(
        select(ThemeEvidence)
        .join(Theme, Theme.id == ThemeEvidence.theme_id)
        .where(ThemeEvidence.record_id == record.id)
        .options(selectinload(ThemeEvidence.theme), selectinload(ThemeEvidence.quote))
        .order_by(Theme.title, ThemeEvidence.id)
    ).all()


def published_themes():
    """Themes whose response is published, most recently published first, each with its public evidence."""
    themes = db.session.scalars(
        select(Theme).where(Theme.published_at.is_not(None)).order_by(Theme.published_at.desc(), Theme.id.desc())
    ).all()
    by_theme = defaultdict(list)
    for item in _evidence_of([theme.id for theme in themes], PUBLIC) if themes else ():
        by_theme[item.theme_id].append(item)
    return [(theme, by_theme[theme.id]) for theme in themes]
