"""CSV and XLSX exports of a records search, limited to what the user may read."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import audit, search
from engage.dates import now_utc, to_london
from engage.exports import csv_response, xlsx_response
from engage.extensions import db
from engage.records.models import EngagementRecord
from engage.records.queries import conditions
from engage.records.redaction import for_reader

HEADER = [
    "ID", "Date", "End date", "Type", "Title", "Places", "Topics", "Organisations", "Residents who took part",
    "What we heard", "Quotes", "Sensitivity",
]  # fmt: skip


def record_export(actor, fmt, flt):
    """Log the export (who, format, which filters were used; never the content)."""
    used = sorted(k for k, v in vars(flt).items() if v)
    audit.record(
        actor, "export", None, [f"format:{fmt}", *(f"filter:{k}" for k in used)], object_type="engagement_records"
    )


def rows(user, flt):
    """Yield one row per record ``user`` may read that matches the filter.

    A text search exports the records the search page lists, best match first; otherwise newest first.
    """
    if flt.q:
        ids = search.matching_ids(user, flt)
        position = {record_id: i for i, record_id in enumerate(ids)}
        query = select(EngagementRecord).where(EngagementRecord.id.in_(ids))
    else:
        query = select(EngagementRecord).where(*conditions(user, flt))
    query = (
        query.options(
            selectinload(EngagementRecord.places),
            selectinload(EngagementRecord.topics),
            selectinload(EngagementRecord.organisations),
            selectinload(EngagementRecord.quotes),
        )
        .order_by(EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
        .execution_options(yield_per=500)
    )
    records = db.session.execute(query).scalars()
    if flt.q:
        records = sorted(records, key=lambda r: position[r.id])
    for r in records:
        yield [
            r.id, r.happened_on.isoformat(), r.ended_on.isoformat() if r.ended_on else "", r.kind.label, r.title,
            "; ".join(p.name for p in r.places), "; ".join(t.name for t in r.topics),
            "; ".join(o.name for o in r.organisations), r.residents_reached, for_reader(user, r, r.what_we_heard),
            " | ".join(q.text for q in r.quotes), r.sensitivity.short_label,
        ]  # fmt: skip


def response(user, flt, fmt):
    """The download for a records search."""
    name = f"engage-records-{to_london(now_utc()):%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(name, "Engagement records", HEADER, rows(user, flt))
    return csv_response(name, HEADER, rows(user, flt))
