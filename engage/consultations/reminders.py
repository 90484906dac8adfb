"""Reminders: officers before a consultation closes, subscribers when its outcome is published.

``send_reminders`` is run by ``flask consultations remind`` from cron, as often as wanted. What is due
is worked out from the clock each time, and each reminder is claimed before it is sent by inserting a
SentReminder row whose unique key (consultation, kind, recipient) makes a second claim fail: two
overlapping runs cannot both send it. The claim is committed, then the email sent; if sending fails
the claim is deleted so the next run tries again. A run killed between the commit and the send loses
that one reminder rather than ever sending it twice.

Recipients are stored as sha256 of the lower-cased address (with the closing time, for closing
reminders: see ``recipient_key``). Nothing here logs or prints an address.
"""

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engage.accounts.models import User
from engage.consultations import queries, subscriptions
from engage.consultations.models import (
    Consultation,
    ConsultationStage,
    ConsultationSubscription,
    ReminderKind,
    SentReminder,
)
from engage.dates import now_utc, to_london
from engage.extensions import db
from engage.mail import external_url, send_email
from engage.validators import normalise_email

log = logging.getLogger(__name__)

#: Officer reminders and how long before closing each becomes due. Inside the last day only the
#: one-day reminder is due (a consultation made ready, or a cron started, late gets one email, not two).
CLOSING_REMINDERS = (
    (ReminderKind.closes_in_1_day, timedelta(days=1)),
    (ReminderKind.closes_in_7_days, timedelta(days=7)),
)


@dataclass
class Summary:
    """What a run did, in counts only."""

    sent: int = 0
    failed: int = 0
    by_kind: dict = field(default_factory=dict)

    def text(self):
        words = f"Sent {self.sent} {'reminder' if self.sent == 1 else 'reminders'}"
        if self.by_kind:
            words += (
                " (" + ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in sorted(self.by_kind.items())) + ")"
            )
        words += "."
        if self.failed:
            words += f" {self.failed} could not be sent and will be tried again on the next run."
        return words


def closing_kind(consultation, now):
    """The closing reminder due for ``consultation`` at ``now``, or None (it must be open)."""
    if consultation.stage != ConsultationStage.ready or not consultation.opens_at <= now < consultation.closes_at:
        return None
    for kind, before in CLOSING_REMINDERS:
        if consultation.closes_at - before <= now:
            return kind
    return None


def officer_addresses(consultation):
    """The consultation's contact address and its creator's (if still an active user), without repeats."""
    addresses = [consultation.contact_email]
    if consultation.created_by_id:
        creator = db.session.get(User, consultation.created_by_id)
        if creator is not None and creator.is_active:
            addresses.append(creator.email)
    unique = []
    for address in addresses:
        address = normalise_email(address) if address else None
        if address and address not in unique:
            unique.append(address)
    return unique


def _already_sent(consultation_id, kind):
    return set(
        db.session.scalars(
            select(SentReminder.recipient_hash).where(
                SentReminder.consultation_id == consultation_id, SentReminder.kind == kind
            )
        )
    )


def _claim(consultation_id, kind, recipient_hash):
    """Insert and commit the SentReminder row; None if another run holds it already."""
    claim = SentReminder(consultation_id=consultation_id, kind=kind, recipient_hash=recipient_hash, sent_at=now_utc())
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return claim


def recipient_key(address, closes_at=None):
    """What a SentReminder stores for its recipient: sha256 of the lower-cased address, and for a
    closing reminder of the closing time too, so a consultation whose closing date is extended gets
    its reminders again for the new date (still never twice for the same one)."""
    if closes_at is None:
        return subscriptions.sha256(address)
    return subscriptions.sha256(f"{address}|{closes_at.isoformat()}")


def closes_words(closes_at, now):
    """'today', 'tomorrow' or 'in 5 days', counting London calendar days."""
    days = (to_london(closes_at).date() - to_london(now).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def _deliver(summary, consultation_id, kind, key, send, *args, **kwargs):
    """Claim the reminder for the recipient ``key``, call ``send(*args, **kwargs)``, and release the
    claim if sending failed."""
    claim = _claim(consultation_id, kind, key)
    if claim is None:
        return
    try:
        send(*args, **kwargs)
    except (smtplib.SMTPException, OSError) as error:
        db.session.delete(claim)
        db.session.commit()
        summary.failed += 1
        log.warning("Reminder %s for consultation %s not sent: %s", kind.value, consultation_id, type(error).__name__)
    else:
        summary.sent += 1
        summary.by_kind[kind.value] = summary.by_kind.get(kind.value, 0) + 1


def _closing_reminders(summary, now):
    candidates = db.session.scalars(
        select(Consultation).where(
            Consultation.stage == ConsultationStage.ready,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
            Consultation.closes_at <= now + CLOSING_REMINDERS[-1][1],
        )
    ).all()
    for consultation in candidates:
        kind = closing_kind(consultation, now)
        if kind is None:
            continue
        done = _already_sent(consultation.id, kind)
        keys = {a: recipient_key(a, consultation.closes_at) for a in officer_addresses(consultation)}
        addresses = [a for a, key in keys.items() if key not in done]
        if not addresses:
            continue
        counts = queries.response_counts_of(consultation.id)
        context = {
            "consultation": consultation,
            "closes_at": to_london(consultation.closes_at),
            "when": closes_words(consultation.closes_at, now),
            "counts": counts,
            "total": sum(n for _, n in counts),
            "manage_url": external_url("consultations.manage_detail", consultation_id=consultation.id),
        }
        subject = f"Closes {context['when']}: {consultation.title}"
        for address in addresses:
            _deliver(
                summary,
                consultation.id,
                kind,
                keys[address],
                send_email,
                address,
                subject,
                "reminder_closing",
                **context,
            )


def send_outcome_emails(consultation, summary=None):
    """Tell the consultation's confirmed, still subscribed subscribers that its outcome is published,
    each at most once (the claim is shared with ``flask consultations remind``); return the Summary."""
    summary = summary or Summary()
    kind = ReminderKind.outcome_published
    done = _already_sent(consultation.id, kind)
    waiting = [
        s
        for s in db.session.scalars(
            select(ConsultationSubscription)
            .where(
                ConsultationSubscription.consultation_id == consultation.id,
                ConsultationSubscription.confirmed_at.is_not(None),
                ConsultationSubscription.unsubscribed_at.is_(None),
            )
            .options(selectinload(ConsultationSubscription.consultation))
            .order_by(ConsultationSubscription.id)
        )
        if recipient_key(s.email) not in done
    ]
    subject = f"Outcome published: {consultation.title}"
    outcome_url = external_url("outcomes.public", slug=consultation.slug)
    for subscription in waiting:
        _deliver(
            summary,
            consultation.id,
            kind,
            recipient_key(subscription.email),
            subscriptions.send_to_subscriber,
            subscription,
            subject,
            "subscription_outcome",
            outcome_url=outcome_url,
        )
    return summary


def _outcome_emails(summary):
    published = db.session.scalars(
        select(Consultation).where(Consultation.stage == ConsultationStage.outcome_published)
    ).all()
    for consultation in published:
        send_outcome_emails(consultation, summary)


def send_reminders(now=None):
    """Send every reminder due at ``now`` (default: the clock) that has not been sent; return a Summary."""
    now = now or now_utc()
    summary = Summary()
    _closing_reminders(summary, now)
    _outcome_emails(summary)
    return summary
