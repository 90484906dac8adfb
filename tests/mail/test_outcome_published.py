"""Publishing the outcome emails the consultation's confirmed subscribers at once (after the commit), each
once: the cron reminder run afterwards sends nothing more. A failed send is logged by type only."""

import logging
from datetime import UTC, datetime

from sqlalchemy import select

from engage.consultations.models import ConsultationStage, SentReminder
from engage.consultations.reminders import send_reminders
from engage.extensions import db
from tests import factories
from tests.outcomes.helpers import analysed_consultation, outcome_url


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _subscribers(consultation):
    make = factories.ConsultationSubscriptionFactory
    make(consultation=consultation, email="confirmed@example.org")
    make(consultation=consultation, email="waiting@example.org", confirmed_at=None)
    make(consultation=consultation, email="left@example.org", unsubscribed_at=datetime(2026, 1, 1, tzinfo=UTC))
    make(email="elsewhere@example.org")
    db.session.commit()


def test_subscribers_are_told_when_the_outcome_is_published(app, client, login_as, officer, post_form, smtp_server):
    q = analysed_consultation()
    _subscribers(q.consultation)
    login_as(officer)
    sent = post_form(outcome_url(q), {"outcome": "We will keep both centres open.", "action": "publish"})
    assert sent.status_code == 302
    [message] = smtp_server.messages
    assert message.envelope_to == ["confirmed@example.org"]
    assert message["Subject"] == "Outcome published: Urgent care & you"
    body = body_of(message)
    assert f"https://engage.example.org/consultations/{q.consultation.slug}/outcome" in body
    assert "Unsubscribe: https://engage.example.org/consultations/subscriptions/unsubscribe/" in body
    assert message["List-Unsubscribe"].endswith("/one-click>")
    assert "&amp;" not in body

    assert send_reminders().sent == 0  # the cron run does not send it again
    assert len(smtp_server.messages) == 1


def test_a_failed_send_does_not_undo_the_publication_and_is_retried_by_cron(
    app, client, login_as, officer, post_form, smtp_server, caplog
):
    q = analysed_consultation()
    _subscribers(q.consultation)
    login_as(officer)
    smtp_server.refuse_with = "451 Try again later"
    with caplog.at_level(logging.WARNING):
        sent = post_form(outcome_url(q), {"outcome": "We will keep both centres open.", "action": "publish"})
    assert sent.status_code == 302
    db.session.refresh(q.consultation)
    assert q.consultation.stage == ConsultationStage.outcome_published
    assert "confirmed@example.org" not in caplog.text and "SMTP" in caplog.text
    assert db.session.scalars(select(SentReminder)).all() == []
    detail = client.get(f"/consultations/manage/{q.consultation.id}").get_data(as_text=True)
    assert "could not be sent just now" in detail

    smtp_server.refuse_with = None
    assert send_reminders().sent == 1
    assert [m.envelope_to for m in smtp_server.messages] == [["confirmed@example.org"]]
