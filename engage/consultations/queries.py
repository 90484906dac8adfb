"""Reads: the officers' list, the public list with its filters, and loading by slug."""

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from engage.consultations.models import (
    PUBLIC_STATUSES,
    Consultation,
    ConsultationStatus,
    consultation_places,
    consultation_topics,
)
from engage.extensions import db


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


def public_by_slug(slug):
    """The consultation with this slug if residents may see it, else None."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.is_public:
        return None
    return consultation


def slug_taken(slug, exclude_id=None):
    """True when another consultation already uses ``slug``."""
    query = select(Consultation.id).where(Consultation.slug == slug)
    if exclude_id is not None:
        query = query.where(Consultation.id != exclude_id)
    return db.session.scalar(query) is not None
