"""The public consultation pages: what residents see, .ics events, and alternative format requests."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.consultations.models import ConsultationStage, FormatRequest
from engage.extensions import db
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import count_rows, main_content, plain, text_of

NOW = datetime(2019, 8, 11, 10, 0, tzinfo=UTC)
OPENS = datetime(2019, 6, 28, 8, 0, tzinfo=UTC)
CLOSES = datetime(2019, 8, 16, 22, 59, tzinfo=UTC)
REQUEST = {"name": "Sam Resident", "email": "sam@example.org", "format": "large_print"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make(title, stage=ConsultationStage.ready, opens=OPENS, closes=CLOSES, **kwargs):
    return factories.ConsultationFactory(title=title, stage=stage, opens_at=opens, closes_at=closes, **kwargs)


def test_the_public_list_shows_open_first_then_closed_and_outcomes_never_drafts_or_scheduled(app, client):
    make("Closed earlier", closes=NOW - timedelta(days=3))
    make("Outcome out", stage=ConsultationStage.outcome_published, closes=NOW - timedelta(days=90))
    make("Open now")
    make("Still a draft", stage=ConsultationStage.draft)
    make("Opens next week", opens=NOW + timedelta(days=7))
    body = main_content(client.get("/consultations/"))
    assert "<script>alert('x')</script>" not in body and "&lt;script&gt;" in body
    page = plain(body)
    assert "Still a draft" not in page and "Opens next week" not in page
    assert page.index("Open now") < page.index("Closed earlier") < page.index("Outcome out")
    assert "Closes in 5 days, on Friday 16 August 2019 at 11:59pm" in page


def test_the_public_list_filters_by_place_and_topic_from_the_url(app, client):
    place, topic = factories.PlaceFactory(), factories.TopicFactory()
    make("Here", places=[place], topics=[topic])
    make("Elsewhere")
    by_place = plain(main_content(client.get(f"/consultations/?place={place.id}")))
    assert "Here" in by_place and "Elsewhere" not in by_place
    by_topic = plain(main_content(client.get(f"/consultations/?topic={topic.id}")))
    assert "Here" in by_topic and "Elsewhere" not in by_topic
    unknown = client.get("/consultations/?place=nonsense&topic=99999")
    assert unknown.status_code == 200 and "Elsewhere" in plain(main_content(unknown))


@pytest.mark.parametrize("stage", [ConsultationStage.draft, ConsultationStage.ready])
def test_a_draft_or_scheduled_consultation_has_no_public_page(app, client, stage):
    consultation = make("Hidden", stage=stage, opens=NOW + timedelta(days=1))
    event = factories.ConsultationEventFactory(consultation=consultation)
    assert client.get(f"/consultations/{consultation.slug}").status_code == 404
    assert client.get(f"/consultations/{consultation.slug}/events/{event.id}.ics").status_code == 404
    assert client.get(f"/consultations/{consultation.slug}/request-a-format").status_code == 404


def test_the_consultation_page_shows_every_channel_the_deadline_and_escapes_text(app, client):
    consultation = make("Open", has_online_survey=True)
    factories.ConsultationDocumentFactory(consultation=consultation)
    factories.ConsultationEventFactory(consultation=consultation)
    body = main_content(client.get(f"/consultations/{consultation.slug}"))
    page = plain(body)
    assert "Closes in 5 days, on Friday 16 August 2019 at 11:59pm" in page
    assert "By post" in page and "By email" in page and "responses@example.org" in page
    assert "Add to your calendar" in page and "Ask for another format" in page
    assert "<script>alert('x')</script>" not in body and 'href="javascript:' not in body
    assert "<strong>Proposals</strong>" in body
    # The survey is not built yet: no link or promise of one appears.
    assert "survey" not in page.lower()


def test_a_closed_consultation_says_so_and_offers_no_way_to_respond(app, client):
    consultation = make("Closed", closes=NOW - timedelta(seconds=1))
    page = plain(main_content(client.get(f"/consultations/{consultation.slug}")))
    assert "Closed on Sunday 11 August 2019 at 10:59am" in page
    assert "no longer taking responses" in page and "By post" not in page


def test_an_event_downloads_as_an_ics_calendar_entry_in_utc(app, client):
    consultation = make("Open")
    event = factories.ConsultationEventFactory(
        consultation=consultation,
        title="Drop-in, Dartford",
        starts_at=datetime(2019, 7, 9, 17, 0, tzinfo=UTC),
        ends_at=datetime(2019, 7, 9, 18, 30, tzinfo=UTC),
    )
    response = client.get(f"/consultations/{consultation.slug}/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = text_of(response).replace("\r\n ", "")
    assert "BEGIN:VCALENDAR" in text and "BEGIN:VEVENT" in text
    assert "DTSTART:20190709T170000Z" in text and "DTEND:20190709T183000Z" in text
    assert "SUMMARY:Drop-in\\, Dartford" in text
    other = factories.ConsultationEventFactory(consultation=make("Other"))
    assert client.get(f"/consultations/{consultation.slug}/events/{other.id}.ics").status_code == 404


def test_a_resident_asks_for_large_print_and_an_officer_marks_it_fulfilled(app, client, post_form, login_as, officer):
    consultation = make("Open")
    url = f"/consultations/{consultation.slug}/request-a-format"
    response = post_form(url, {**REQUEST, "details": "The summary <b>please</b>"})
    assert response.status_code == 302
    assert "We have your request" in text_of(client.get(response.headers["Location"]))
    request = db.session.scalar(select(FormatRequest))
    assert (request.name, request.email, request.format.value) == ("Sam Resident", "sam@example.org", "large_print")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "format_requests"))
    assert entry.actor_id is None and "Sam" not in str(entry.changed_fields)

    officer_client = login_as(officer, on=app.test_client())
    detail = f"/consultations/manage/{consultation.id}"
    page = text_of(officer_client.get(detail))
    assert "Sam Resident" in page and "The summary &lt;b&gt;please&lt;/b&gt;" in page
    post_form(f"{detail}/requests/{request.id}/fulfil", form_url=detail, on=officer_client)
    db.session.refresh(request)
    assert request.fulfilled_by_id == officer.id and request.fulfilled_at == NOW
    assert "Fulfilled by" in text_of(officer_client.get(detail))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": ""}, "Enter an email address or a phone number"),
        ({"email": "nope"}, "Enter an email address in the correct format"),
        ({"phone": "12"}, "Enter a phone number"),
        ({"format": "braille-pdf"}, "Choose the format you need from the list"),
        ({"format": "other_language"}, "Enter the language you need"),
        ({"name": ""}, "Enter your name"),
        ({"details": "x" * 2001}, "2,000 characters or fewer"),
    ],
)
def test_a_bad_format_request_is_refused_with_a_message_and_not_stored(app, client, post_form, change, message):
    consultation = make("Open")
    response = post_form(f"/consultations/{consultation.slug}/request-a-format", {**REQUEST, **change})
    assert response.status_code == 400
    assert message in plain(text_of(response))
    assert count_rows(db, FormatRequest) == 0


def test_a_format_request_without_a_csrf_token_or_with_the_honeypot_is_not_stored(app, client, post_form):
    consultation = make("Open")
    url = f"/consultations/{consultation.slug}/request-a-format"
    assert client.post(url, data=REQUEST).status_code == 400
    assert post_form(url, {**REQUEST, "website": "http://spam.example"}).status_code == 302
    assert count_rows(db, FormatRequest) == 0


def test_format_requests_are_rate_limited_per_address(make_app):
    limited = make_app(FORMAT_REQUEST_RATE_LIMIT="2/minute")
    with limited.app_context():
        consultation = make("Open")
        db.session.commit()
        client = limited.test_client()
        url = f"/consultations/{consultation.slug}/request-a-format"
        data = {"csrf_token": csrf_token_from(client.get(url)), **REQUEST, "email": ""}
        address = {"REMOTE_ADDR": "192.0.2.10"}
        codes = [client.post(url, data=data, environ_base=address).status_code for _ in range(3)]
        other = client.post(url, data=data, environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code
        assert count_rows(db, FormatRequest) == 0
    assert codes == [400, 400, 429]
    assert other == 400
