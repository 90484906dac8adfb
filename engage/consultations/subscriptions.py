"""Email updates on a consultation: double opt-in subscriptions, unsubscribe links, and their emails.

A resident gives an address; Engage emails a confirmation link and only a confirmed subscription gets
updates. The confirmation token is random and only its sha256 is stored, so a copy of the database
cannot confirm anyone. Unsubscribe links go in every later email, so they cannot be random tokens kept
only as hashes (the plain token would be gone); they are an HMAC of the subscription under SECRET_KEY,
checked in constant time, and work for as long as the key does.

Writes here add audit entries naming fields only, never the address, and do not commit; the view
commits, then sends. Addresses are never logged.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage import audit
from engage.consultations.models import ConsultationSubscription
from engage.dates import now_utc
from engage.extensions import db
from engage.mail import external_url, send_email
from engage.validators import as_id

#: A confirmation link works for this long after it was sent.
CONFIRM_WITHIN = timedelta(days=7)
#: At most one email per address and consultation this often, however often the form is sent.
RESEND_AFTER = timedelta(minutes=10)


def sha256(text):
    """Hex sha256 of ``text`` (tokens and recipient addresses are stored only like this)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _new_token():
    return secrets.token_urlsafe(32)


def find(consultation_id, email):
    """The subscription of ``email`` (lower-cased) to a consultation, or None."""
    return db.session.scalar(
        select(ConsultationSubscription).where(
            ConsultationSubscription.consultation_id == consultation_id, ConsultationSubscription.email == email
        )
    )


class Notice(StrEnum):
    """Which email a subscription request sends."""

    confirm = "confirm"
    already_subscribed = "already_subscribed"


@dataclass(frozen=True)
class Request:
    """What ``subscribe`` decided: the email to send (None: none) and, to confirm, the plain token."""

    subscription: ConsultationSubscription | None
    notice: Notice | None = None
    token: str | None = None


def subscribe(consultation, email):
    """Record that ``email`` (already normalised) wants updates on ``consultation``, unconfirmed.

    A new address gets a row and a confirmation link; a pending or unsubscribed one a new link (the
    old one stops working); a confirmed one a note that it is already subscribed. Whatever happens, the
    resident sees the same page, so the form cannot tell anyone whether an address is subscribed. At
    most one email goes out per RESEND_AFTER (unless the owner unsubscribed since, which takes the
    link from an email), so the form cannot be used to flood someone's inbox.
    """
    now = now_utc()
    subscription = find(consultation.id, email)
    if subscription is None:
        token = _new_token()
        subscription = ConsultationSubscription(
            consultation_id=consultation.id, email=email, token_hash=sha256(token), created_at=now, requested_at=now
        )
        db.session.add(subscription)
        try:
            db.session.flush()
        except IntegrityError:
            # The same address sent twice at once: the other request stores it and sends the link.
            db.session.rollback()
            return Request(None)
        audit.record(None, "create", subscription, ["consultation_id", "email", "token_hash"])
        return Request(subscription, Notice.confirm, token)
    unsubscribed_since = (
        subscription.unsubscribed_at is not None and subscription.unsubscribed_at > subscription.requested_at
    )
    if now - subscription.requested_at < RESEND_AFTER and not unsubscribed_since:
        return Request(subscription)
    subscription.requested_at = now
    if subscription.is_active:
        audit.record(None, "update", subscription, ["requested_at"])
        return Request(subscription, Notice.already_subscribed)
    token = _new_token()
    subscription.token_hash = sha256(token)
    changed = ["requested_at", "token_hash"]
    if subscription.unsubscribed_at is not None:
        # Subscribing again after unsubscribing: confirm again before any update is sent.
        subscription.unsubscribed_at = None
        subscription.confirmed_at = None
        changed += ["confirmed_at", "unsubscribed_at"]
    audit.record(None, "update", subscription, sorted(changed))
    return Request(subscription, Notice.confirm, token)


def by_confirm_token(token):
    """The subscription whose confirmation link carries ``token``, if that link has not expired; else None."""
    if not token or len(token) > 100:
        return None
    subscription = db.session.scalar(
        select(ConsultationSubscription).where(ConsultationSubscription.token_hash == sha256(token))
    )
    if subscription is None or subscription.unsubscribed_at is not None:
        return None
    if subscription.confirmed_at is None and now_utc() - subscription.requested_at > CONFIRM_WITHIN:
        return None
    return subscription


def confirm(subscription):
    """Start sending updates to ``subscription`` (a second confirmation changes nothing)."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = now_utc()
        audit.record(None, "update", subscription, ["confirmed_at"])
        db.session.flush()


def _mac(subscription_id, email):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"unsubscribe:{subscription_id}:{email}".encode(), hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(subscription):
    """The token in ``subscription``'s unsubscribe links: its id and an HMAC binding it to the address."""
    return f"{subscription.id}.{_mac(subscription.id, subscription.email)}"


def by_unsubscribe_token(token):
    """The subscription an unsubscribe link names, or None if the link is forged or mangled."""
    subscription_id, _, mac = (token or "").partition(".")
    if as_id(subscription_id) is None or len(mac) != 32:
        return None
    subscription = db.session.get(ConsultationSubscription, as_id(subscription_id))
    if subscription is None or not hmac.compare_digest(mac, _mac(subscription.id, subscription.email)):
        return None
    return subscription


def unsubscribe(subscription):
    """Stop every email to ``subscription``; its confirmation link stops working too. Idempotent."""
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now_utc()
        subscription.token_hash = sha256(_new_token())
        audit.record(None, "update", subscription, ["token_hash", "unsubscribed_at"])
        db.session.flush()


def unsubscribe_headers(subscription):
    """List-Unsubscribe headers (RFC 2369, and RFC 8058 one-click) for an email to ``subscription``."""
    url = external_url("consultations.unsubscribe_one_click", token=unsubscribe_token(subscription))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_to_subscriber(subscription, subject, template, **context):
    """Send an email to a subscriber, with the unsubscribe link in the text and in the headers."""
    consultation = subscription.consultation
    send_email(
        subscription.email,
        subject,
        template,
        extra_headers=unsubscribe_headers(subscription),
        consultation=consultation,
        consultation_url=external_url("consultations.detail", slug=consultation.slug),
        unsubscribe_url=external_url("consultations.unsubscribe", token=unsubscribe_token(subscription)),
        **context,
    )


def sending_failed(request):
    """The email ``subscribe`` decided on could not be sent: let the resident try again straight away."""
    subscription = request.subscription
    if subscription is not None and request.notice is not None:
        subscription.requested_at = now_utc() - RESEND_AFTER
        audit.record(None, "update", subscription, ["requested_at"])
        db.session.flush()


def send_request_email(request):
    """Send the email ``subscribe`` decided on, if any (after the commit)."""
    subscription = request.subscription
    if request.notice == Notice.confirm:
        send_to_subscriber(
            subscription,
            f"Confirm your email updates: {subscription.consultation.title}",
            "subscription_confirm",
            confirm_url=external_url("consultations.confirm_subscription", token=request.token),
            confirm_days=CONFIRM_WITHIN.days,
        )
    elif request.notice == Notice.already_subscribed:
        send_to_subscriber(
            subscription,
            f"You already get email updates: {subscription.consultation.title}",
            "subscription_already",
        )
