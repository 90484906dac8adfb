"""Reads: the officers' list, the public list with its filters, and loading by slug."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import selectinload

from engage.consultations.models import (
    PUBLIC_STATUSES,
    Consultation,
    ConsultationStage,
    ConsultationStatus,
    consultation_places,
    consultation_topics,
)
from engage.extensions import db
from engage.responses.models import Response, ResponseChannel


def all_consultations():
    """Every consultation for officers, the latest closing first."""
    return db.session.scalars(
        select(Consultation).order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    ).all()


@dataclass(frozen=True)
class PublicFilter:
    """What a resident filtered the public list by."""

    place_id: int | None = None
    topic_id: int | None = None


def public_consultations(flt=PublicFilter()):
    """Consultations residents may see: open first (closing soonest first), then the rest, latest first."""
    status = Consultation.status
    query = (
        select(Consultation)
        .where(status.in_([s.value for s in PUBLIC_STATUSES]))
        .options(selectinload(Consultation.places), selectinload(Consultation.topics))
        .order_by(
            case((status == ConsultationStatus.open.value, 0), else_=1),
            case((status == ConsultationStatus.open.value, Consultation.closes_at), else_=None),
            Consultation.closes_at.desc(),
            Consultation.id.desc(),
        )
    )
    if flt.place_id:
        query = query.where(
            Consultation.id.in_(
                select(consultation_places.c.consultation_id).where(consultation_places.c.place_id == flt.place_id)
            )
        )
    if flt.topic_id:
        query = query.where(
            Consultation.id.in_(
                select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == flt.topic_id)
            )
        )
    return db.session.scalars(query).all()


def by_slug(slug):
    """The consultation with this slug whatever its status, or None (callers decide who may see it)."""
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


#: Built once with a bound parameter: SQLAlchemy keeps a built statement's cache key (public pages).
_BY_SLUG = select(Consultation).where(Consultation.slug == bindparam("slug"))


def public_by_slug(slug):
    """The consultation with this slug if residents may see it, else None."""
    consultation = db.session.scalar(_BY_SLUG, {"slug": slug})
    if consultation is None or not consultation.is_public:
        return None
    return consultation


def slug_taken(slug, exclude_id=None):
    """True when another consultation already uses ``slug``."""
    query = select(Consultation.id).where(Consultation.slug == slug)
    if exclude_id is not None:
        query = query.where(Consultation.id != exclude_id)
    return db.session.scalar(query) is not None


#: The dashboard lists consultations closed this recently next to the open ones.
RECENTLY_CLOSED = timedelta(days=30)


@dataclass(frozen=True)
class ResponseCounts:
    """One consultation's responses so far, per channel (every channel listed, zeros included)."""

    consultation_id: int
    title: str
    status: ConsultationStatus
    closes_at: datetime
    by_channel: tuple  # ((ResponseChannel, count), ...) in ResponseChannel order

    @property
    def total(self):
        return sum(n for _, n in self.by_channel)


def response_counts(now, recently_closed=RECENTLY_CLOSED):
    """Live response counts of the open consultations and those closed within ``recently_closed``,
    per channel, in one grouped query: open ones first (closing soonest first), then the rest."""
    rows = db.session.execute(
        select(
            Consultation.id,
            Consultation.title,
            Consultation.status,
            Consultation.closes_at,
            Response.channel,
            func.count(Response.id),
        )
        .outerjoin(Response, Response.consultation_id == Consultation.id)
        .where(
            Consultation.stage != ConsultationStage.draft,
            Consultation.opens_at <= now,
            Consultation.closes_at > now - recently_closed,
        )
        .group_by(
            Consultation.id,
            Consultation.title,
            Consultation.opens_at,
            Consultation.closes_at,
            Consultation.stage,
            Response.channel,
        )
    ).all()
    found = {}
    for consultation_id, title, status, closes_at, channel, count in rows:
        entry = found.setdefault(consultation_id, {"title": title, "status": status, "closes_at": closes_at, "n": {}})
        if channel is not None:
            entry["n"][ResponseChannel(channel)] = count
    counts = [
        ResponseCounts(
            consultation_id=cid,
            title=entry["title"],
            status=ConsultationStatus(entry["status"]),
            closes_at=entry["closes_at"],
            by_channel=tuple((channel, entry["n"].get(channel, 0)) for channel in ResponseChannel),
        )
        for cid, entry in found.items()
    ]
    is_open = ConsultationStatus.open
    return sorted(
        counts,
        key=lambda c: (
            c.status != is_open,
            c.closes_at.timestamp() * (1 if c.status == is_open else -1),
            -c.consultation_id,
        ),
    )


def response_counts_of(consultation_id):
    """One consultation's responses per channel: [(channel label, count)] for the channels used."""
    rows = db.session.execute(
        select(Response.channel, func.count(Response.id))
        .where(Response.consultation_id == consultation_id)
        .group_by(Response.channel)
    ).all()
    found = {ResponseChannel(channel): n for channel, n in rows}
    return [(channel.label, found[channel]) for channel in ResponseChannel if channel in found]
