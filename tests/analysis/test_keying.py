"""Officers key in responses that came by post, email, phone or at an event, on the survey's own pages."""

import io
from datetime import timedelta

from sqlalchemy import select

from engage.analysis.models import ResponseScan
from engage.audit import AuditEntry
from engage.consultations.models import ConsultationStage
from engage.dates import now_utc
from engage.permissions import Role
from engage.responses.models import Answer, EqualityAnswer, Response, ResponseChannel
from tests import factories
from tests.analysis.helpers import key, key_url, keyed_answers, keying_data, make_survey, response_url, yesterday


def _responses(db):
    return db.session.scalars(select(Response)).all()


def test_an_officer_keys_in_a_postal_response_with_every_answer_type(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    page = client.get(key_url(q))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Key in a response" in html and q.rating.text in html and q.age.text in html

    sent = key(client, q, keying_data(q))
    assert sent.status_code == 302, sent.get_data(as_text=True)
    (response,) = _responses(db)
    assert response.channel == ResponseChannel.post
    assert response.entered_by_id == officer.id
    assert response.received_on == yesterday()
    assert response.late is False
    assert response.submission_key is None
    answers = {}
    for answer in db.session.scalars(select(Answer).where(Answer.response_id == response.id)):
        answers.setdefault(answer.question_id, []).append(answer)
    assert [a.option_id for a in answers[q.travel.id]] == [q.travel.options[0].id, q.travel.options[1].id]
    assert answers[q.postcode.id][0].text == "ME14 1RF"
    assert answers[q.visited.id][0].text == "2026-11-03"
    assert answers[q.rating.id][0].number == 4
    assert answers[q.car.id][0].text == "yes"
    assert answers[q.why.id][0].text == "It is nearer to my work."
    assert q.age.id not in answers  # equality answers are kept apart
    equality = db.session.scalars(select(EqualityAnswer).where(EqualityAnswer.response_id == response.id)).all()
    assert {e.question_id for e in equality} == {q.age.id, q.district.id}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "responses"))
    assert entry.actor_id == officer.id and "received_on" in entry.changed_fields
    assert "Pat Jones" not in str(entry.changed_fields)

    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert response.reference in shown and "Post" in shown


def test_keying_with_no_channel_is_refused_with_a_clear_message(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    sent = key(client, q, keying_data(q, channel=None))
    assert sent.status_code == 400
    html = sent.get_data(as_text=True)
    assert "Select how the response arrived" in html
    assert "<title>Error:" in html
    assert _responses(db) == []


def test_keying_with_no_received_date_or_a_future_one_is_refused(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    sent = key(client, q, keying_data(q, received_on=None) | {"received_on": ""})
    assert "Enter the date the response was received" in sent.get_data(as_text=True)
    future = (now_utc() + timedelta(days=3)).date()
    sent = key(client, q, keying_data(q, received_on=future))
    assert sent.status_code == 400
    assert "cannot be in the future" in sent.get_data(as_text=True)
    assert _responses(db) == []


def test_answers_get_the_same_checks_as_residents(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    data = keying_data(q) | {f"q{q.times.id}": "51", f"q{q.travel.id}": [], f"q{q.postcode.id}": "nowhere"}
    sent = key(client, q, data)
    assert sent.status_code == 400
    html = sent.get_data(as_text=True)
    assert "Enter a number between 0 and 50" in html
    assert "Select at least one answer to: What makes it hard to get there?" in html
    assert "Enter a real UK postcode" in html
    assert _responses(db) == []


def test_show_if_questions_are_required_only_when_shown_and_dropped_otherwise(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    sent = key(client, q, keying_data(q) | {f"q{q.why.id}": ""})
    assert sent.status_code == 400
    assert "Why did you choose Maidstone?" in sent.get_data(as_text=True)
    # "Neither": the follow-up is not shown, so it is not required and an answer keyed to it is dropped.
    data = keying_data(q) | keyed_answers(q, used=2) | {f"q{q.why.id}": "Typed by mistake"}
    sent = key(client, q, data)
    assert sent.status_code == 302
    (response,) = _responses(db)
    assert not db.session.scalars(
        select(Answer).where(Answer.response_id == response.id, Answer.question_id == q.why.id)
    ).all()


def test_a_response_received_after_the_closing_date_is_kept_warned_and_marked_late(db, client, login_as, officer):
    q = make_survey()
    q.consultation.opens_at = now_utc() - timedelta(days=20)
    q.consultation.closes_at = now_utc() - timedelta(days=5)
    db.session.commit()
    login_as(officer)
    sent = key(client, q, keying_data(q, received_on=yesterday()))
    assert sent.status_code == 302
    (response,) = _responses(db)
    assert response.late is True
    shown = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "received after the closing date" in shown
    assert "marked late" in shown
    listing = client.get(f"/consultations/manage/{q.consultation.id}/responses").get_data(as_text=True)
    assert "Late" in listing and "1 arrived late" in listing


def test_phone_email_and_event_channels_are_accepted(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    for channel in ("phone", "email", "event"):
        assert key(client, q, keying_data(q, channel=channel)).status_code == 302
    assert sorted(r.channel.value for r in _responses(db)) == ["email", "event", "phone"]


def test_an_online_channel_cannot_be_keyed(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    sent = key(client, q, keying_data(q, channel="online"))
    assert sent.status_code == 400
    assert _responses(db) == []


def test_keying_for_a_consultation_with_no_survey_gives_a_clear_message(db, client, login_as, officer):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    login_as(officer)
    page = client.get(f"/consultations/manage/{consultation.id}/responses/new")
    assert page.status_code == 200
    assert "This consultation has no survey" in page.get_data(as_text=True)


def test_a_scan_is_stored_with_the_response_and_a_bad_file_refused(db, client, login_as, officer):
    q = make_survey()
    login_as(officer)
    bad = keying_data(q) | {"scan": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "letter.html")}
    sent = key(client, q, bad)
    assert sent.status_code == 400
    assert _responses(db) == []
    good = keying_data(q) | {"scan": (io.BytesIO(b"Dear team, I think the centre should stay open."), "letter.txt")}
    sent = key(client, q, good)
    assert sent.status_code == 302
    (response,) = _responses(db)
    scan = db.session.scalar(select(ResponseScan))
    assert scan.response_id == response.id and scan.filename == "letter.txt"
    download = client.get(response_url(response) + "/scan")
    assert download.status_code == 200
    assert b"stay open" in download.get_data()


def test_reviewers_cannot_key_in_responses(db, client, login_as, reviewer):
    q = make_survey()
    login_as(reviewer)
    assert client.get(key_url(q)).status_code == 403


def test_deadline_rules_are_stated_and_shown_when_keying(db, client, login_as, officer, post_form):
    q = make_survey()
    login_as(officer)
    url = f"/consultations/manage/{q.consultation.id}/responses/deadline-rules"
    sent = post_form(url, {"deadline_rules": "Post: postmarked by the closing date"})
    assert sent.status_code == 302
    assert q.consultation.deadline_rules == "Post: postmarked by the closing date"
    assert "postmarked by the closing date" in client.get(key_url(q)).get_data(as_text=True)
    detail = client.get(f"/consultations/manage/{q.consultation.id}").get_data(as_text=True)
    assert "postmarked by the closing date" in detail


def test_a_second_officer_keys_the_same_response_and_differences_are_highlighted(db, client, app, login_as, officer):
    q = make_survey()
    login_as(officer)
    key(client, q, keying_data(q))
    (response,) = _responses(db)
    url = response_url(response) + "/second-keying"
    same = client.get(url)
    assert "must be done by a different officer" in same.get_data(as_text=True)

    other = factories.UserFactory(role=Role.officer)
    second = app.test_client()
    login_as(other, on=second)
    data = keying_data(q) | {f"q{q.times.id}": "4"}
    for name in ("channel", "received_on"):
        data.pop(name)
    sent = key(second, q, data, url=url)
    assert sent.status_code == 302, sent.get_data(as_text=True)
    shown = second.get(response_url(response)).get_data(as_text=True)
    assert "1 difference" in shown
    assert "Differs" in shown
    assert "How many times last year?" in shown


def test_the_error_summary_follows_the_page_and_equality_answers_stay_hidden_in_comparisons(
    db, client, app, login_as, officer
):
    q = make_survey()
    login_as(officer)
    sent = key(client, q, keying_data(q, channel=None) | {"received_on": "", f"q{q.times.id}": "lots"})
    html = sent.get_data(as_text=True)
    assert html.index("Select how the response arrived") < html.index("Enter the date the response was received")
    assert html.index("Enter the date the response was received") < html.index("Enter a whole number")

    key(client, q, keying_data(q))
    (response,) = _responses(db)
    other = factories.UserFactory(role=Role.officer)
    second = app.test_client()
    login_as(other, on=second)
    data = keying_data(q) | {f"q{q.age.id}": str(q.age.options[2].id)}
    for name in ("channel", "received_on"):
        data.pop(name)
    assert key(second, q, data, url=response_url(response) + "/second-keying").status_code == 302
    shown = second.get(response_url(response)).get_data(as_text=True)
    assert "1 difference" in shown
    assert "Equality monitoring answer: not shown" in shown
    assert q.age.options[2].label not in shown and q.age.options[1].label not in shown
