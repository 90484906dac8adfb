"""Email updates on a consultation: the public form, double opt-in, no enumeration, unsubscribe links.

Flask-Mail suppresses sending in these tests; ``mail.record_messages`` shows what would have gone.
(tests/mail sends the same emails through a real SMTP server.)
"""

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.consultations import subscriptions
from engage.consultations.models import ConsultationStage, ConsultationSubscription
from engage.extensions import db
from engage.mail import mail
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import count_rows, plain, text_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def consultation(app):
    consultation = factories.ConsultationFactory(
        stage=ConsultationStage.ready, opens_at=NOW - timedelta(days=5), closes_at=NOW + timedelta(days=20)
    )
    db.session.commit()
    return consultation


def ask(client, consultation, email, **extra):
    """Send the form on the consultation page; return (response, emails sent)."""
    page = client.get(f"/consultations/{consultation.slug}")
    with mail.record_messages() as outbox:
        response = client.post(
            f"/consultations/{consultation.slug}/subscribe",
            data={"csrf_token": csrf_token_from(page), "email": email, **extra},
        )
    return response, outbox


def path_of(url):
    return url.removeprefix("http://localhost:5000")


def confirm_link(message):
    return path_of(re.search(r"\S+/subscriptions/confirm/\S+", message.body).group(0))


def unsubscribe_link(message):
    return path_of(re.search(r"\S+/subscriptions/unsubscribe/\S+", message.body).group(0))


def subscription():
    return db.session.scalar(select(ConsultationSubscription))


def test_the_consultation_page_offers_email_updates_until_the_outcome_is_published(app, client, consultation):
    page = client.get(f"/consultations/{consultation.slug}")
    assert "Get email updates" in text_of(page)
    consultation.stage = ConsultationStage.outcome_published
    db.session.commit()
    assert "Get email updates" not in text_of(client.get(f"/consultations/{consultation.slug}"))
    with mail.record_messages() as sent:
        response = client.post(
            f"/consultations/{consultation.slug}/subscribe",
            data={"csrf_token": csrf_token_from(page), "email": "sam@example.org"},
        )
    assert response.status_code == 302
    assert "no more updates to send" in text_of(client.get(response.headers["Location"]))
    assert count_rows(db, ConsultationSubscription) == 0 and sent == []


def test_the_answer_is_the_same_for_a_new_a_waiting_and_a_subscribed_address(app, client, consultation):
    with time_machine.travel(NOW, tick=False):
        new, sent = ask(client, consultation, "new@example.org")
    assert [m.subject.split(":")[0] for m in sent] == ["Confirm your email updates"]
    factories.ConsultationSubscriptionFactory(consultation=consultation, email="old@example.org", requested_at=NOW)
    db.session.commit()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        waiting, _ = ask(client, consultation, "new@example.org")
        subscribed, sent = ask(client, consultation, "old@example.org")
    assert [m.subject.split(":")[0] for m in sent] == ["You already get email updates"]
    assert sent[0].extra_headers["List-Unsubscribe"].startswith("<http://localhost:5000/consultations/subscriptions/")
    pages = {(r.status_code, r.headers["Location"]) for r in (new, waiting, subscribed)}
    assert pages == {(302, f"/consultations/{consultation.slug}/subscribe/check-your-email")}
    assert "Check your email" in text_of(client.get(f"/consultations/{consultation.slug}/subscribe/check-your-email"))
    # The same address twice is one subscription.
    assert count_rows(db, ConsultationSubscription) == 2


def test_asking_again_and_again_sends_at_most_one_email_each_ten_minutes(app, client, consultation):
    with time_machine.travel(NOW, tick=False):
        _, first = ask(client, consultation, "sam@example.org")
        _, second = ask(client, consultation, "SAM@example.org")
    with time_machine.travel(NOW + timedelta(minutes=11), tick=False):
        _, third = ask(client, consultation, "sam@example.org")
    assert (len(first), len(second), len(third)) == (1, 0, 1)
    # The newest link works; the older one no longer does (both opened well within the 7 days).
    old, new = confirm_link(first[0]), confirm_link(third[0])
    with time_machine.travel(NOW + timedelta(minutes=12), tick=False):
        assert client.get(old).status_code == 400
        assert client.get(new).status_code == 200


def test_only_the_emailed_link_confirms_and_it_expires_after_7_days(app, client, consultation):
    with time_machine.travel(NOW, tick=False):
        _, sent = ask(client, consultation, "sam@example.org")
    link = confirm_link(sent[0])
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        expired = client.post(
            link, data={"csrf_token": csrf_token_from(client.get(f"/consultations/{consultation.slug}"))}
        )
    assert expired.status_code == 400
    assert "This confirmation link does not work" in text_of(expired)
    assert subscription().confirmed_at is None
    for forged in ("x" * 43, "", "a" * 500):
        assert client.get(f"/consultations/subscriptions/confirm/{forged}").status_code in (400, 404)


def test_confirming_needs_the_button_and_a_csrf_token(app, client, consultation):
    _, sent = ask(client, consultation, "sam@example.org")
    link = confirm_link(sent[0])
    assert client.post(link, data={}).status_code == 400
    assert subscription().confirmed_at is None
    page = client.get(link)
    response = client.post(link, data={"csrf_token": csrf_token_from(page)})
    assert "You are subscribed" in plain(text_of(response))
    assert subscription().confirmed_at is not None
    # Following the link again is harmless.
    assert "You are subscribed" in plain(text_of(client.get(link)))


def test_unsubscribing_then_subscribing_again_asks_for_confirmation_again(app, client, consultation):
    factories.ConsultationSubscriptionFactory(consultation=consultation, email="sam@example.org")
    db.session.commit()
    token = subscriptions.unsubscribe_token(subscription())
    link = f"/consultations/subscriptions/unsubscribe/{token}"
    page = client.get(link)
    assert subscription().unsubscribed_at is None  # opening the link alone changes nothing
    client.post(link, data={"csrf_token": csrf_token_from(page)})
    assert subscription().unsubscribed_at is not None and not subscription().is_active

    _, sent = ask(client, consultation, "sam@example.org")
    assert sent[0].subject.startswith("Confirm your email updates")
    again = subscription()
    assert again.unsubscribed_at is None and again.confirmed_at is None
    assert count_rows(db, ConsultationSubscription) == 1
    # The unsubscribe link of the old emails still works for the same address.
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("token", ["1.0123456789abcdef0123456789abcdef", "nope", "99999.x", "1." + "f" * 32])
def test_a_forged_unsubscribe_link_is_refused_with_a_message(app, client, consultation, token):
    factories.ConsultationSubscriptionFactory(consultation=consultation, email="sam@example.org")
    db.session.commit()
    response = client.get(f"/consultations/subscriptions/unsubscribe/{token}")
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in text_of(response)
    one_click = client.post(f"/consultations/subscriptions/unsubscribe/{token}/one-click")
    assert one_click.status_code == 400
    assert subscription().unsubscribed_at is None


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the correct format"),
        ("a" * 250 + "@example.org", "254 characters or fewer"),
    ],
)
def test_a_bad_address_gets_a_message_and_nothing_is_stored_or_sent(app, client, consultation, email, message):
    response, sent = ask(client, consultation, email)
    assert response.status_code == 400
    assert "Error:" in plain(text_of(response)) and message in plain(text_of(response))
    assert count_rows(db, ConsultationSubscription) == 0 and sent == []


def test_without_a_csrf_token_or_with_the_honeypot_nothing_is_stored_or_sent(app, client, consultation):
    with mail.record_messages() as outbox:
        no_token = client.post(f"/consultations/{consultation.slug}/subscribe", data={"email": "sam@example.org"})
    assert no_token.status_code == 400
    response, sent = ask(client, consultation, "sam@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert count_rows(db, ConsultationSubscription) == 0 and sent == [] and outbox == []


def test_subscribing_is_rate_limited_per_address(make_app):
    limited = make_app(SUBSCRIBE_RATE_LIMIT="2/minute")
    with limited.app_context():
        consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
        db.session.commit()
        client = limited.test_client()
        url = f"/consultations/{consultation.slug}/subscribe"
        data = {"csrf_token": csrf_token_from(client.get(url)), "email": "nope"}
        address = {"REMOTE_ADDR": "192.0.2.10"}
        codes = [client.post(url, data=data, environ_base=address).status_code for _ in range(3)]
        other = client.post(url, data=data, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code
    assert codes == [400, 400, 429]
    assert other == 400


def test_addresses_never_reach_the_log_or_the_audit_trail(app, client, consultation, caplog):
    caplog.set_level(logging.DEBUG)
    _, sent = ask(client, consultation, "secret.person@example.org")
    link = confirm_link(sent[0])
    client.post(link, data={"csrf_token": csrf_token_from(client.get(link))})
    unsubscribe = unsubscribe_link(sent[0])
    client.post(unsubscribe, data={"csrf_token": csrf_token_from(client.get(unsubscribe))})
    from engage.audit import AuditEntry

    audit = [(e.action, e.changed_fields) for e in db.session.scalars(select(AuditEntry))]
    assert len(audit) == 3
    assert "secret" not in str(audit) and "secret" not in caplog.text
