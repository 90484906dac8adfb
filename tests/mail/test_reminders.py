"""``flask consultations remind`` over SMTP: officers 7 days and 1 day before closing, subscribers at the
outcome; each reminder once, however often cron runs it, and a failed send is tried again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.consultations.models import ConsultationStage, ReminderKind, SentReminder
from engage.extensions import db
from engage.responses.models import ResponseChannel
from tests import factories
from tests.conftest import free_local_port

CLOSES = datetime(2026, 12, 4, 23, 59, tzinfo=UTC)  # Friday 4 December 2026, 11:59pm in London


@pytest.fixture
def consultation(app):
    creator = factories.UserFactory(email="creator@example.org")
    consultation = factories.ConsultationFactory(
        stage=ConsultationStage.ready,
        title="Urgent treatment centres & you",
        opens_at=CLOSES - timedelta(days=60),
        closes_at=CLOSES,
        contact_email="Consult@Example.org",
        created_by_id=creator.id,
    )
    factories.ResponseFactory.create_batch(3, consultation=consultation, channel=ResponseChannel.online)
    factories.ResponseFactory(consultation=consultation, channel=ResponseChannel.post)
    db.session.commit()
    return consultation


def remind(runner, at):
    with time_machine.travel(at, tick=False):
        result = runner.invoke(args=["consultations", "remind"])
    assert "@" not in result.output  # counts only, never an address
    return result


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_officers_get_the_7_day_and_the_1_day_reminder_once_each(consultation, runner, smtp_server):
    assert remind(runner, CLOSES - timedelta(days=7, minutes=1)).output == "Sent 0 reminders.\n"
    assert smtp_server.messages == []

    result = remind(runner, CLOSES - timedelta(days=7))
    assert result.exit_code == 0
    assert result.output == "Sent 2 reminders (closes in 7 days: 2).\n"
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == ["consult@example.org", "creator@example.org"]
    message = smtp_server.to("consult@example.org")[0]
    assert message["Subject"] == "Closes in 7 days: Urgent treatment centres & you"
    body = body_of(message)
    assert "closes in 7 days, on Friday 4 December 2026 at 11:59pm (UK time)" in body
    assert "Responses so far: 4" in body and "- Online survey: 3" in body and "- Post: 1" in body
    assert f"https://engage.example.org/consultations/manage/{consultation.id}" in body

    for hours in (1, 30, 100):  # cron keeps running: nothing more until the last day
        assert remind(runner, CLOSES - timedelta(days=7) + timedelta(hours=hours)).output == "Sent 0 reminders.\n"
    assert len(smtp_server.messages) == 2

    smtp_server.clear()
    assert remind(runner, CLOSES - timedelta(days=1)).output == "Sent 2 reminders (closes in 1 day: 2).\n"
    assert remind(runner, CLOSES - timedelta(hours=2)).output == "Sent 0 reminders.\n"
    assert {m["Subject"] for m in smtp_server.messages} == {"Closes tomorrow: Urgent treatment centres & you"}
    assert len(smtp_server.messages) == 2
    assert remind(runner, CLOSES + timedelta(minutes=1)).output == "Sent 0 reminders.\n"

    kinds = db.session.scalars(select(SentReminder.kind)).all()
    assert sorted(kinds) == sorted([ReminderKind.closes_in_7_days] * 2 + [ReminderKind.closes_in_1_day] * 2)
    stored = " ".join(db.session.scalars(select(SentReminder.recipient_hash)))
    assert "@" not in stored


def test_a_first_run_inside_the_last_day_sends_only_the_1_day_reminder(consultation, runner, smtp_server):
    assert remind(runner, CLOSES - timedelta(hours=20)).output == "Sent 2 reminders (closes in 1 day: 2).\n"
    assert remind(runner, CLOSES - timedelta(hours=19)).output == "Sent 0 reminders.\n"
    # 20 hours before 11:59pm is the same day in London.
    assert {m["Subject"].split(":")[0] for m in smtp_server.messages} == {"Closes today"}
    assert "This consultation closes today, on Friday 4 December 2026 at 11:59pm" in body_of(smtp_server.messages[0])


def test_an_extended_consultation_gets_its_reminders_again_for_the_new_date(app, consultation, runner, smtp_server):
    from engage.consultations import services

    assert remind(runner, CLOSES - timedelta(hours=20)).output == "Sent 2 reminders (closes in 1 day: 2).\n"
    with time_machine.travel(CLOSES - timedelta(hours=19), tick=False):
        services.extend_closing_date(
            consultation, actor=None, new_closes_at=CLOSES + timedelta(days=14), reason="Low response from carers"
        )
        db.session.commit()
    smtp_server.clear()
    assert remind(runner, CLOSES - timedelta(hours=18)).output == "Sent 0 reminders.\n"
    assert remind(runner, CLOSES + timedelta(days=7)).output == "Sent 2 reminders (closes in 7 days: 2).\n"
    assert remind(runner, CLOSES + timedelta(days=13)).output == "Sent 2 reminders (closes in 1 day: 2).\n"
    assert remind(runner, CLOSES + timedelta(days=13, hours=1)).output == "Sent 0 reminders.\n"
    assert [m["Subject"].split(":")[0] for m in smtp_server.messages] == ["Closes in 7 days"] * 2 + [
        "Closes tomorrow"
    ] * 2


def test_the_contact_who_created_it_gets_one_email_not_two(app, runner, smtp_server):
    creator = factories.UserFactory(email="consult@example.org")
    factories.ConsultationFactory(
        stage=ConsultationStage.ready,
        opens_at=CLOSES - timedelta(days=30),
        closes_at=CLOSES,
        contact_email="CONSULT@example.org",
        created_by_id=creator.id,
    )
    db.session.commit()
    assert remind(runner, CLOSES - timedelta(days=3)).output == "Sent 1 reminder (closes in 7 days: 1).\n"


def test_drafts_and_scheduled_consultations_get_no_reminders(app, runner, smtp_server):
    factories.ConsultationFactory(stage=ConsultationStage.draft, opens_at=CLOSES - timedelta(days=30), closes_at=CLOSES)
    factories.ConsultationFactory(stage=ConsultationStage.ready, opens_at=CLOSES - timedelta(hours=1), closes_at=CLOSES)
    db.session.commit()
    assert remind(runner, CLOSES - timedelta(hours=5)).output == "Sent 0 reminders.\n"


@pytest.mark.parametrize("failure", ["refused", "unreachable"])
def test_a_reminder_that_cannot_be_sent_is_tried_again_on_the_next_run(
    app, consultation, runner, smtp_server, failure, caplog
):
    mail_state = app.extensions["mail"]
    if failure == "refused":
        smtp_server.refuse_with = "451 Try again later"
    else:
        mail_state.port = free_local_port()  # nothing listens there
    result = remind(runner, CLOSES - timedelta(days=2))
    assert result.exit_code == 1
    assert result.output == "Sent 0 reminders. 2 could not be sent and will be tried again on the next run.\n"
    assert db.session.scalars(select(SentReminder)).all() == []
    assert "not sent" in caplog.text and "@" not in caplog.text

    smtp_server.refuse_with = None
    mail_state.port = smtp_server.port
    assert remind(runner, CLOSES - timedelta(days=2)).output == "Sent 2 reminders (closes in 7 days: 2).\n"
    assert len(smtp_server.messages) == 2


def test_a_reminder_another_run_has_claimed_is_not_sent_again(consultation, runner, smtp_server):
    from engage.consultations.reminders import recipient_key

    # Another cron run, overlapping this one, already claimed the contact's reminder.
    db.session.add(
        SentReminder(
            consultation_id=consultation.id,
            kind=ReminderKind.closes_in_7_days,
            recipient_hash=recipient_key("consult@example.org", CLOSES),
        )
    )
    db.session.commit()
    assert remind(runner, CLOSES - timedelta(days=5)).output == "Sent 1 reminder (closes in 7 days: 1).\n"
    assert [m.envelope_to for m in smtp_server.messages] == [["creator@example.org"]]


def test_the_unique_key_refuses_a_second_claim_of_the_same_reminder(consultation):
    from engage.consultations.reminders import _claim

    assert _claim(consultation.id, ReminderKind.closes_in_1_day, "a" * 64) is not None
    assert _claim(consultation.id, ReminderKind.closes_in_1_day, "a" * 64) is None
    assert _claim(consultation.id, ReminderKind.closes_in_7_days, "a" * 64) is not None


def test_only_confirmed_subscribers_hear_about_the_outcome_once(app, runner, smtp_server):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.analysing, title="Frailty & falls")
    make = factories.ConsultationSubscriptionFactory
    make(consultation=consultation, email="confirmed@example.org")
    make(consultation=consultation, email="waiting@example.org", confirmed_at=None)
    make(consultation=consultation, email="left@example.org", unsubscribed_at=datetime(2026, 1, 1, tzinfo=UTC))
    make(email="elsewhere@example.org")  # another consultation
    db.session.commit()
    assert remind(runner, datetime.now(UTC)).output == "Sent 0 reminders.\n"

    consultation.stage = ConsultationStage.outcome_published
    db.session.commit()
    assert remind(runner, datetime.now(UTC)).output == "Sent 1 reminder (outcome published: 1).\n"
    assert remind(runner, datetime.now(UTC)).output == "Sent 0 reminders.\n"
    [message] = smtp_server.messages
    assert message.envelope_to == ["confirmed@example.org"]
    assert message["Subject"] == "Outcome published: Frailty & falls"
    assert "/consultations/subscriptions/unsubscribe/" in body_of(message)
    assert message["List-Unsubscribe"].endswith("/one-click>")
