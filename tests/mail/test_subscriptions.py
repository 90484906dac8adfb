"""Email updates end to end over SMTP: subscribe, confirm from the emailed link, get the outcome, unsubscribe."""

import re

from sqlalchemy import select

from engage.audit import AuditEntry
from engage.consultations.models import ConsultationStage, ConsultationSubscription
from engage.consultations.reminders import send_reminders
from engage.extensions import db
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import plain, text_of

LINK_RE = re.compile(r"https://engage\.example\.org(/consultations/subscriptions/[^\s]+)")


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message):
    return LINK_RE.findall(body_of(message))


def test_a_resident_subscribes_confirms_gets_the_outcome_and_unsubscribes(app, client, smtp_server):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready, title="Urgent care & you")
    page = client.get(f"/consultations/{consultation.slug}")
    assert "Get email updates" in text_of(page)
    response = client.post(
        f"/consultations/{consultation.slug}/subscribe",
        data={"csrf_token": csrf_token_from(page), "email": " Sam.Resident@Example.org "},
    )
    assert response.status_code == 302
    assert "Check your email" in text_of(client.get(response.headers["Location"]))

    [message] = smtp_server.messages
    assert message.envelope_to == ["sam.resident@example.org"]
    assert message["Subject"] == "Confirm your email updates: Urgent care & you"
    assert "Urgent care & you" in body_of(message)
    confirm_path, unsubscribe_path = links_in(message)
    assert confirm_path.startswith("/consultations/subscriptions/confirm/")
    assert message["List-Unsubscribe"].startswith(
        "<https://engage.example.org/consultations/subscriptions/unsubscribe/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Only the token's sha256 is stored.
    subscription = db.session.scalar(select(ConsultationSubscription))
    token = confirm_path.rsplit("/", 1)[1]
    assert subscription.email == "sam.resident@example.org" and subscription.confirmed_at is None
    assert token not in subscription.token_hash and len(subscription.token_hash) == 64

    # Opening the link (as a mail scanner might) confirms nothing; the button does.
    confirm_page = client.get(confirm_path)
    assert "Confirm email updates" in text_of(confirm_page)
    db.session.refresh(subscription)
    assert subscription.confirmed_at is None
    done = client.post(confirm_path, data={"csrf_token": csrf_token_from(confirm_page)})
    assert "You are subscribed" in plain(text_of(done))
    db.session.refresh(subscription)
    assert subscription.confirmed_at is not None

    consultation.stage = ConsultationStage.outcome_published
    consultation.outcome = "We will open the centre."
    db.session.commit()
    smtp_server.clear()
    assert send_reminders().sent == 1
    [outcome] = smtp_server.messages
    assert outcome["Subject"] == "Outcome published: Urgent care & you"
    assert f"https://engage.example.org/consultations/{consultation.slug}/outcome" in body_of(outcome)
    [unsubscribe_path] = links_in(outcome)

    leave = client.get(unsubscribe_path)
    assert "Unsubscribe from email updates" in text_of(leave)
    left = client.post(unsubscribe_path, data={"csrf_token": csrf_token_from(leave)})
    assert "You have unsubscribed" in text_of(left)
    db.session.refresh(subscription)
    assert subscription.unsubscribed_at is not None

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "consultation_subscriptions"))
    logged = [(e.action, e.changed_fields) for e in entries]
    assert logged == [
        ("create", ["consultation_id", "email", "token_hash"]),
        ("update", ["confirmed_at"]),
        ("update", ["token_hash", "unsubscribed_at"]),
    ]
    assert "sam" not in str(logged)


def test_the_one_click_unsubscribe_header_works_without_a_form(app, client, smtp_server):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.outcome_published)
    factories.ConsultationSubscriptionFactory(consultation=consultation, email="sam@example.org")
    db.session.commit()
    send_reminders()
    [message] = smtp_server.messages
    url = message["List-Unsubscribe"].strip("<>")
    response = client.post(url.removeprefix("https://engage.example.org"), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.scalar(select(ConsultationSubscription)).unsubscribed_at is not None


def test_when_the_confirmation_cannot_be_sent_the_resident_is_told_and_can_try_again(app, client, smtp_server):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    db.session.commit()
    url = f"/consultations/{consultation.slug}/subscribe"
    token = csrf_token_from(client.get(url))
    smtp_server.refuse_with = "451 Try again later"
    failed = client.post(url, data={"csrf_token": token, "email": "sam@example.org"}, follow_redirects=True)
    assert "we could not send the email just now" in text_of(failed)
    assert smtp_server.messages == []

    smtp_server.refuse_with = None
    again = client.post(url, data={"csrf_token": token, "email": "sam@example.org"})
    assert again.headers["Location"].endswith("/subscribe/check-your-email")
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Confirm your email updates")
