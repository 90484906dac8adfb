"""Reads for the outcome pages and the consultation record."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.analysis.models import ResponseCode
from engage.audit import AuditEntry
from engage.dataprotection.anonymise import REMOVED_TEXT
from engage.extensions import db
from engage.outcomes.models import OutcomeDecision, OutcomeTheme
from engage.publishing.queries import PUBLISHABLE_CONSENTS, ranges_by_answer
from engage.publishing.redaction import redacted_text
from engage.responses.models import Response, ResponseChannel


def entry_for(consultation_id, theme_id):
    return db.session.scalar(
        select(OutcomeTheme).where(OutcomeTheme.consultation_id == consultation_id, OutcomeTheme.theme_id == theme_id)
    )


def entries_of(consultation_id):
    """The outcome's themes, by title, with their decisions and each decision's updates."""
    from engage.themes.models import Theme

    return db.session.scalars(
        select(OutcomeTheme)
        .join(Theme, Theme.id == OutcomeTheme.theme_id)
        .where(OutcomeTheme.consultation_id == consultation_id)
        .options(
            selectinload(OutcomeTheme.theme),
            selectinload(OutcomeTheme.decisions).selectinload(OutcomeDecision.updates),
            selectinload(OutcomeTheme.decisions).selectinload(OutcomeDecision.decided_by),
        )
        .order_by(Theme.title, OutcomeTheme.id)
    ).all()


def counted_by_channel(consultation_id):
    """[(channel label, count)] of counted (not duplicate) responses, in channel order, and the total."""
    rows = dict(
        db.session.execute(
            select(Response.channel, func.count(Response.id))
            .where(Response.consultation_id == consultation_id, Response.duplicate.is_(False))
            .group_by(Response.channel)
        ).all()
    )
    found = {ResponseChannel(k): v for k, v in rows.items()}
    result = [(c.label, found[c]) for c in ResponseChannel if c in found]
    return result, sum(n for _, n in result)


def public_quotes(consultation_id):
    """theme id -> [quote text] picked for the outcome, with redactions applied, never with an identity.

    Only quotes from counted responses whose respondents agreed to publication; the others are
    counted in ``withheld`` so officers know why a quote is missing.
    """
    rows = db.session.execute(
        select(ResponseCode, Response.publish_consent)
        .join(Response, Response.id == ResponseCode.response_id)
        .where(
            Response.consultation_id == consultation_id,
            Response.duplicate.is_(False),
            ResponseCode.is_quote.is_(True),
        )
        .options(selectinload(ResponseCode.answer))
        .order_by(ResponseCode.id)
    ).all()
    ranges = ranges_by_answer({code.response_id for code, _consent in rows})
    quotes, withheld = {}, {}
    for code, consent in rows:
        if consent not in PUBLISHABLE_CONSENTS:
            withheld[code.theme_id] = withheld.get(code.theme_id, 0) + 1
            continue
        text = code.answer.text if code.answer is not None else ""
        if text == REMOVED_TEXT:
            continue  # removed by retention or erasure: the quoted words are gone
        start = code.start_offset or 0
        end = code.end_offset if code.end_offset is not None else len(text)
        words = redacted_text(text, ranges.get(code.answer_id, []), start, end).strip()
        if words:
            quotes.setdefault(code.theme_id, []).append(words)
    return quotes, withheld


def coded_themes(consultation_id):
    """[(theme, responses coded)] for the consultation's counted responses, most coded first."""
    from engage.themes.models import Theme

    rows = db.session.execute(
        select(Theme, func.count(func.distinct(ResponseCode.response_id)))
        .join(ResponseCode, ResponseCode.theme_id == Theme.id)
        .join(Response, Response.id == ResponseCode.response_id)
        .where(Response.consultation_id == consultation_id, Response.duplicate.is_(False))
        .group_by(Theme.id)
        .order_by(func.count(func.distinct(ResponseCode.response_id)).desc(), Theme.title)
    ).all()
    return [(theme, n) for theme, n in rows]


def consultation_history(consultation):
    """Audit entries about the consultation itself and its outcome's decisions, oldest first."""
    decision_ids = [
        str(i)
        for i in db.session.scalars(
            select(OutcomeDecision.id).where(OutcomeDecision.consultation_id == consultation.id)
        )
    ]
    theme_ids = [
        str(i)
        for i in db.session.scalars(select(OutcomeTheme.id).where(OutcomeTheme.consultation_id == consultation.id))
    ]
    conditions = (AuditEntry.object_type == "consultations") & (AuditEntry.object_id == str(consultation.id))
    if decision_ids:
        conditions = conditions | (
            (AuditEntry.object_type == "outcome_decisions") & AuditEntry.object_id.in_(decision_ids)
        )
    if theme_ids:
        conditions = conditions | ((AuditEntry.object_type == "outcome_themes") & AuditEntry.object_id.in_(theme_ids))
    return db.session.scalars(
        select(AuditEntry).where(conditions).order_by(AuditEntry.occurred_at, AuditEntry.id).limit(500)
    ).all()
