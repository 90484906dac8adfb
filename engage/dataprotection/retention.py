"""Retention: personal details in responses are kept RESPONSE_RETENTION_DAYS after the outcome is published.

``flask --app engage retention apply`` (cron-safe, idempotent) then removes respondents' names,
emails and network hashes, cuts postcode answers to their district ("ME14 1XX" -> "ME14"), replaces
text answers officers marked as identifying, and deletes scans of paper responses and unfinished
drafts. Answers, organisation names and equality answers (anonymous once the name and email are
gone) are kept. Each consultation touched gets one audit entry holding the counts, never the content.

Unfinished drafts of any consultation that closed more than DRAFT_GRACE ago are deleted too, outcome
or not: their resume links stopped working at the closing time, so they serve no one.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from engage import audit
from engage.consultations.models import Consultation, ConsultationStage
from engage.dataprotection.anonymise import Counts, anonymise_responses
from engage.dates import now_utc
from engage.extensions import db
from engage.responses.models import Response, ResponseDraft

#: How long after closing a consultation's unfinished drafts are kept (in case the closing date is
#: extended soon after, which makes their resume links work again).
DRAFT_GRACE = timedelta(days=7)


@dataclass
class RetentionSummary:
    consultations: int = 0
    counts: Counts = field(default_factory=Counts)
    drafts: int = 0
    expired_drafts: int = 0

    def text(self):
        c = self.counts
        return (
            f"Retention applied to {self.consultations} consultation(s) past their retention date: "
            f"{c.responses} response(s) had names or emails removed, {c.postcodes} postcode(s) cut to the district, "
            f"{c.identifying_answers} identifying answer(s) removed, {c.scans} scan(s) of paper responses deleted, "
            f"{self.drafts} unfinished draft(s) deleted. "
            f"{self.expired_drafts} unfinished draft(s) of other closed consultations deleted."
        )


def due_consultations(now=None, days=None):
    """Consultations whose outcome was published more than the retention period ago."""
    days = current_app.config["RESPONSE_RETENTION_DAYS"] if days is None else days
    cutoff = (now or now_utc()) - timedelta(days=days)
    return db.session.scalars(
        select(Consultation)
        .where(
            Consultation.stage == ConsultationStage.outcome_published,
            Consultation.outcome_published_at.is_not(None),
            Consultation.outcome_published_at <= cutoff,
        )
        .order_by(Consultation.id)
    ).all()


def apply_retention(now=None, days=None):
    """Anonymise every response of every consultation past its retention date. The caller commits."""
    summary = RetentionSummary()
    for consultation in due_consultations(now, days):
        counts = anonymise_responses(select(Response.id).where(Response.consultation_id == consultation.id))
        drafts = db.session.execute(
            delete(ResponseDraft).where(ResponseDraft.consultation_id == consultation.id),
            execution_options={"synchronize_session": False},
        ).rowcount
        if counts.total or drafts:
            summary.consultations += 1
            summary.counts.add(counts)
            summary.drafts += drafts
            audit.record(None, "update", consultation, [*counts.as_fields("retention"), f"retention:drafts={drafts}"])
    closed_long_ago = select(Consultation.id).where(Consultation.closes_at < (now or now_utc()) - DRAFT_GRACE)
    summary.expired_drafts = db.session.execute(
        delete(ResponseDraft).where(ResponseDraft.consultation_id.in_(closed_long_ago)),
        execution_options={"synchronize_session": False},
    ).rowcount
    if summary.expired_drafts:
        audit.record(None, "delete", None, [f"drafts={summary.expired_drafts}"], object_type="response_drafts")
    return summary
