"""/api/v1/consultations (staff), their responses (officers) and /api/v1/outcomes (anyone, no token)."""

from flask import abort
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.api.core import ID, QUERY, PageArgs, keyset_page, reads
from engage.api.schemas import ConsultationPage, ConsultationSchema, OutcomePage, OutcomeSchema, ResponsePage
from engage.consultations.models import Consultation, ConsultationStage
from engage.extensions import db
from engage.permissions import PUBLIC, Permission, requires
from engage.responses.models import Response

bp = Blueprint("api_consultations", __name__, url_prefix="/api/v1", description="Consultations and responses")
outcomes_bp = Blueprint(
    "api_outcomes", __name__, url_prefix="/api/v1", description="Published outcomes of consultations (no token needed)"
)


def _named(objects):
    return [{"id": o.id, "name": o.name} for o in objects]


def consultation_out(consultation):
    """A consultation as staff see it."""
    return {
        "id": consultation.id,
        "title": consultation.title,
        "slug": consultation.slug,
        "summary": consultation.summary,
        "status": consultation.status.value,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "outcome": consultation.outcome,
        "outcome_published_at": consultation.outcome_published_at,
        "places": _named(consultation.places),
        "topics": _named(consultation.topics),
    }


def outcome_out(consultation):
    """What the public outcome page shows."""
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "summary": consultation.summary,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "outcome": consultation.outcome,
        "outcome_published_at": consultation.outcome_published_at,
    }


def response_out(response):
    """A response without the respondent's name, email or answers an officer marked identifying."""
    return {
        "id": response.id,
        "reference": response.reference,
        "channel": response.channel.value,
        "respondent_type": str(response.respondent_type.value),
        "organisation_name": response.organisation_name,
        "submitted_at": response.submitted_at,
        "late": response.late,
        "duplicate": response.duplicate,
        "analysis_status": str(response.analysis_status.value),
        "answers": [
            {"question_id": a.question_id, "option_id": a.option_id, "text": a.text, "number": a.number}
            for a in response.answers
            if not a.identifying
        ],
    }


_LINKS = (selectinload(Consultation.places), selectinload(Consultation.topics))


@bp.route("/consultations", methods=["GET"])
@requires(Permission.CONSULTATIONS_READ)
@bp.arguments(PageArgs, **QUERY)
@reads(bp, ConsultationPage, pages=True)
def list_consultations(args):
    """List every consultation, whatever its stage, newest first."""
    query = select(Consultation).options(*_LINKS).order_by(Consultation.id.desc())
    page = keyset_page(query, (Consultation.id,), args, (int,), lambda c: (c.id,), descending=True)
    page["items"] = [consultation_out(c) for c in page["items"]]
    return page


@bp.route(f"/consultations/<{ID}:consultation_id>", methods=["GET"])
@requires(Permission.CONSULTATIONS_READ)
@reads(bp, ConsultationSchema)
def get_consultation(consultation_id):
    """Read one consultation."""
    return consultation_out(db.get_or_404(Consultation, consultation_id))


@bp.route(f"/consultations/<{ID}:consultation_id>/responses", methods=["GET"])
@requires(Permission.CONSULTATIONS_MANAGE)
@bp.arguments(PageArgs, **QUERY)
@reads(bp, ResponsePage, pages=True)
def list_responses(args, consultation_id):
    """List a consultation's responses, oldest first (officers only). Names and emails are left out."""
    consultation = db.get_or_404(Consultation, consultation_id)
    query = (
        select(Response)
        .where(Response.consultation_id == consultation.id)
        .options(selectinload(Response.answers))
        .order_by(Response.id)
    )
    page = keyset_page(query, (Response.id,), args, (int,), lambda r: (r.id,))
    page["items"] = [response_out(r) for r in page["items"]]
    return page


#: A published outcome is a stage an officer sets, so no clock is involved.
_PUBLISHED = Consultation.stage == ConsultationStage.outcome_published


@outcomes_bp.route("/outcomes", methods=["GET"])
@requires(PUBLIC)
@outcomes_bp.arguments(PageArgs, **QUERY)
@reads(outcomes_bp, OutcomePage, pages=True)
@outcomes_bp.doc(security=[])
def list_outcomes(args):
    """List the published outcomes of consultations, latest closing first. No token needed."""
    query = select(Consultation).where(_PUBLISHED).order_by(Consultation.id.desc())
    page = keyset_page(query, (Consultation.id,), args, (int,), lambda c: (c.id,), descending=True)
    page["items"] = [outcome_out(c) for c in page["items"]]
    return page


@outcomes_bp.route("/outcomes/<slug>", methods=["GET"])
@requires(PUBLIC)
@reads(outcomes_bp, OutcomeSchema)
@outcomes_bp.doc(security=[])
def get_outcome(slug):
    """Read the published outcome of one consultation, by its slug. No token needed."""
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == slug[:100].replace("\x00", ""), _PUBLISHED)
    )
    if consultation is None:
        abort(404)
    return outcome_out(consultation)
