"""Officers' consultation pages: London date entry, bad input refused with nothing stored, warnings, extensions."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.consultations.models import ClosingDateExtension, Consultation, ConsultationEvent, ConsultationStage
from engage.permissions import Role
from tests import factories
from tests.pages import count_rows, main_content, plain, text_of

NOW = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
GOOD = {
    "title": "Urgent treatment centres in West Kent",
    "slug": "urgent-treatment-centres",
    "summary": "How should urgent treatment centres work?",
    "body": "## The options\n\n- **Option A** <script>alert(1)</script>",
    "opens_on": "2026-06-01",
    "opens_time": "09:00",
    "closes_on": "2026-07-31",
    "closes_time": "23:59",
    "contact_name": "Engagement team",
    "contact_email": "Team@Example.org",
    "postal_address": "Freepost WEST KENT",
    "fairness_why_now": "No decision yet",
    "fairness_information": "Full document and summary",
    "fairness_length": "Nine weeks",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer_client(app, login_as, client, officer):
    login_as(officer)
    return client


def test_officer_creates_a_consultation_in_london_time_stored_as_utc(db, officer_client, post_form, officer):
    place, topic = factories.PlaceFactory(), factories.TopicFactory()
    data = {**GOOD, "places": str(place.id), "topics": str(topic.id), "has_online_survey": "y"}
    response = post_form("/consultations/manage/new", data)
    assert response.status_code == 302
    consultation = db.session.scalar(select(Consultation))
    # 9am and 11:59pm BST are 8am and 10:59pm UTC.
    assert consultation.opens_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2026, 7, 31, 22, 59, tzinfo=UTC)
    assert consultation.stage == ConsultationStage.draft
    assert consultation.contact_email == "team@example.org"
    assert [p.id for p in consultation.places] == [place.id] and consultation.has_online_survey
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "consultations"))
    assert entry.action == "create" and entry.actor_id == officer.id
    assert "closes_at" in entry.changed_fields and "Urgent" not in str(entry.changed_fields)
    # The edit form shows the same London wall-clock times back.
    page = text_of(officer_client.get(f"/consultations/manage/{consultation.id}/edit"))
    assert 'value="23:59"' in page and 'value="2026-07-31"' in page


def test_the_form_and_page_warn_about_the_summer_holidays(db, officer_client, post_form):
    response = post_form("/consultations/manage/new", {**GOOD, "title": ""})
    assert response.status_code == 400
    assert "Holidays in the open period" in text_of(response)
    assert "Summer holiday (Wednesday 22 July 2026 to Tuesday 1 September 2026)" in plain(text_of(response))
    post_form("/consultations/manage/new", GOOD)
    consultation = db.session.scalar(select(Consultation))
    page = plain(text_of(officer_client.get(f"/consultations/manage/{consultation.id}")))
    assert "May half term" not in page and "Summer holiday" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_on": "2026-05-31"}, "The closing date and time must be after the opening date and time"),
        ({"closes_on": "2026-06-01", "closes_time": "09:00"}, "must be after the opening"),
        ({"opens_on": "2026-02-30"}, "Enter a real date"),
        ({"opens_time": "25:00"}, "Enter a time like 09:00 or 23:59"),
        ({"opens_on": "2026-03-29", "opens_time": "01:30"}, "1:30am on Sunday 29 March 2026 does not exist"),
        ({"closes_on": "2026-10-25", "closes_time": "01:15"}, "1:15am on Sunday 25 October 2026 happens twice"),
        ({"slug": "Not A Slug!"}, "Use only lower-case letters"),
        ({"slug": "manage"}, "used by Engage itself"),
        ({"title": ""}, "Enter a title"),
        ({"contact_email": ""}, "Enter a contact email address or phone number"),
        ({"contact_email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"summary": "x" * 1001}, "Summary must be 1,000 characters or fewer"),
        ({"places": "999999"}, "Choose places from the list"),
    ],
)
def test_bad_consultation_input_is_refused_and_nothing_is_stored(db, officer_client, post_form, change, message):
    response = post_form("/consultations/manage/new", {**GOOD, **change})
    assert response.status_code == 400
    assert message in plain(text_of(response))
    assert "There is a problem" in text_of(response)
    assert count_rows(db, Consultation) == 0
    assert count_rows(db, AuditEntry) == 0


def test_a_second_consultation_cannot_take_the_same_web_address(db, officer_client, post_form):
    factories.ConsultationFactory(slug=GOOD["slug"])
    response = post_form("/consultations/manage/new", GOOD)
    assert "Another consultation already uses that web address" in plain(text_of(response))
    assert count_rows(db, Consultation) == 1


def test_the_dates_and_address_of_a_ready_consultation_are_not_editable(db, officer_client, post_form):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready, slug="fixed")
    closes = consultation.closes_at
    url = f"/consultations/manage/{consultation.id}/edit"
    response = post_form(url, {**GOOD, "title": "New title", "closes_on": "2030-01-01", "slug": "moved"})
    assert response.status_code == 302
    db.session.refresh(consultation)
    assert (consultation.title, consultation.slug, consultation.closes_at) == ("New title", "fixed", closes)


def test_officer_extends_the_closing_date_with_a_reason(db, officer_client, post_form, officer):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    url = f"/consultations/manage/{consultation.id}/extend"
    response = post_form(url, {"closes_on": "2026-08-14", "closes_time": "23:59", "reason": "Summer <b>events</b>"})
    assert response.status_code == 302
    db.session.refresh(consultation)
    assert consultation.closes_at == datetime(2026, 8, 14, 22, 59, tzinfo=UTC)
    page = text_of(officer_client.get(f"/consultations/manage/{consultation.id}"))
    assert "Summer &lt;b&gt;events&lt;/b&gt;" in page and "14 August 2026 at 11:59pm" in page


def test_an_extension_to_an_earlier_date_is_refused_and_nothing_changes(db, officer_client, post_form):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    closes = consultation.closes_at
    url = f"/consultations/manage/{consultation.id}/extend"
    response = post_form(url, {"closes_on": "2026-05-12", "closes_time": "10:00", "reason": "Because"})
    assert response.status_code == 400
    assert "The new closing time must be later than the current one" in plain(text_of(response))
    db.session.refresh(consultation)
    assert consultation.closes_at == closes and count_rows(db, ClosingDateExtension) == 0


def test_officer_adds_and_removes_an_event_in_london_time(db, officer_client, post_form):
    consultation = factories.ConsultationFactory()
    url = f"/consultations/manage/{consultation.id}/events/new"
    data = {
        "title": "Drop-in",
        "starts_on": "2026-06-10",
        "starts_time": "18:00",
        "ends_time": "19:30",
        "venue": "Hall",
    }
    assert post_form(url, data).status_code == 302
    event = db.session.scalar(select(ConsultationEvent))
    assert (event.starts_at, event.ends_at) == (
        datetime(2026, 6, 10, 17, 0, tzinfo=UTC),
        datetime(2026, 6, 10, 18, 30, tzinfo=UTC),
    )
    bad = post_form(url, {**data, "ends_time": "17:00"})
    assert bad.status_code == 400 and "The end time must be after the start time" in text_of(bad)
    assert count_rows(db, ConsultationEvent) == 1
    detail = f"/consultations/manage/{consultation.id}"
    assert post_form(f"{detail}/events/{event.id}/delete", form_url=detail).status_code == 302
    assert count_rows(db, ConsultationEvent) == 0


def test_a_document_link_must_be_a_web_address(db, officer_client, post_form):
    consultation = factories.ConsultationFactory()
    url = f"/consultations/manage/{consultation.id}/documents/new"
    bad = post_form(url, {"kind": "summary", "title": "Summary", "url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "Enter a web address starting https://" in text_of(bad)
    no_language = post_form(url, {"kind": "other_language", "title": "Polski", "url": "https://example.org/pl"})
    assert "Enter the language of the document" in text_of(no_language)
    good = post_form(url, {"kind": "easy_read", "title": "Easy read", "url": "https://example.org/easy.pdf"})
    assert good.status_code == 302
    assert [d.title for d in db.session.get(Consultation, consultation.id).documents] == ["Easy read"]


def test_officer_moves_a_consultation_through_its_stages_with_buttons(db, officer_client, post_form):
    consultation = factories.ConsultationFactory(opens_at=NOW + timedelta(days=1), closes_at=NOW + timedelta(days=2))
    detail = f"/consultations/manage/{consultation.id}"
    post_form(f"{detail}/ready", form_url=detail)
    assert "Scheduled" in plain(main_content(officer_client.get(detail)))
    post_form(f"{detail}/draft", form_url=detail)
    db.session.refresh(consultation)
    assert consultation.stage == ConsultationStage.draft
    response = post_form(f"{detail}/analysing", form_url=detail, follow_redirects=True)
    assert "Analysis can start only once the consultation has closed" in text_of(response)


def test_staff_list_shows_every_status_and_reviewers_cannot_change_anything(app, db, client, login_as):
    factories.ConsultationFactory(title="Draft one")
    factories.ConsultationFactory(title="Open one", stage=ConsultationStage.ready)
    reviewer = factories.UserFactory(role=Role.reviewer)
    request = factories.FormatRequestFactory(name="Private Person")
    login_as(reviewer)
    page = plain(main_content(client.get("/consultations/manage/")))
    assert "Draft one" in page and "Open one" in page and "Create a consultation" not in page
    detail = plain(main_content(client.get(f"/consultations/manage/{request.consultation_id}")))
    assert "Private Person" not in detail and "Edit details" not in detail


def test_hostile_text_is_escaped_on_the_officer_pages(db, officer_client):
    consultation = factories.ConsultationFactory()
    factories.ConsultationEventFactory(consultation=consultation)
    page = text_of(officer_client.get(f"/consultations/manage/{consultation.id}"))
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_officer_publishes_the_outcome_and_residents_read_it(db, officer_client, post_form):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.analysing, closes_at=NOW - timedelta(days=9))
    url = f"/consultations/manage/{consultation.id}/outcome"
    empty = post_form(url, {"outcome": " "})
    assert empty.status_code == 400 and "Enter the outcome" in text_of(empty)
    db.session.refresh(consultation)
    assert consultation.stage == ConsultationStage.analysing
    assert post_form(url, {"outcome": "We will keep **both** centres. <script>x</script>"}).status_code == 302
    public = main_content(officer_client.get(f"/consultations/{consultation.slug}"))
    assert "<strong>both</strong>" in public and "<script>x</script>" not in public
    assert "Outcome published" in plain(main_content(officer_client.get("/consultations/manage/")))


def test_the_outcome_cannot_be_published_before_analysis(db, officer_client, post_form):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready)
    response = post_form(f"/consultations/manage/{consultation.id}/outcome", {"outcome": "Decided"})
    assert response.status_code == 400
    assert "only while the responses are being analysed" in text_of(response)
    db.session.refresh(consultation)
    assert consultation.outcome == "" and consultation.stage == ConsultationStage.ready
