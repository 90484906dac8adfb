"""Themes: officers create them and attach evidence; staff see only evidence they may read."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import Sensitivity
from engage.themes.models import Theme, ThemeEvidence
from tests import factories
from tests.pages import count_rows, main_content, text_of


@pytest.fixture
def officer_client(officer, login_as):
    return login_as(officer)


@pytest.fixture
def theme(db):
    return factories.ThemeFactory(title="Discharge support")


def test_officer_creates_a_theme(db, officer_client, post_form):
    response = post_form("/themes/new", {"title": "  Access to   urgent care ", "description": "Where to go"})
    assert response.status_code == 302
    theme = db.session.scalar(select(Theme))
    assert (theme.title, theme.slug, theme.is_published) == ("Access to urgent care", "access-to-urgent-care", False)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "themes"))
    assert entry.action == "create" and "title" in entry.changed_fields
    assert "Access to urgent care" in main_content(officer_client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("discharge   SUPPORT", "A theme with this title already exists"),
        ("", "Enter a title"),
        ("x" * 161, "Keep the title to 160 characters"),
    ],
)
def test_bad_or_duplicate_theme_title_is_refused(db, theme, officer_client, post_form, title, message):
    response = post_form("/themes/new", {"title": title})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response) and message in text_of(response)
    assert count_rows(db, Theme) == 1


def test_editing_a_theme_keeps_its_own_title_and_refuses_anothers(db, theme, officer_client, post_form):
    factories.ThemeFactory(title="Access to urgent care")
    url = f"/themes/{theme.id}/edit"
    assert post_form(url, {"title": "Discharge support", "response": "We ring carers"}).status_code == 302
    assert "already exists" in text_of(post_form(url, {"title": "ACCESS to urgent care"}))
    db.session.refresh(theme)
    assert (theme.title, theme.response) == ("Discharge support", "We ring carers")


def test_officer_adds_a_quote_to_a_theme_from_the_record_page(db, theme, officer_client, post_form):
    quote = factories.RecordQuoteFactory(text="Give us one day's notice.")
    record_url = f"/records/{quote.record_id}"
    page = main_content(officer_client.get(record_url))
    assert "Add to theme" in page and "Add quote to theme" in page
    data = {"theme_id": theme.id, "quote_id": quote.id, "note": ""}
    response = post_form(f"/records/{quote.record_id}/themes", data, form_url=record_url)
    assert response.status_code == 302
    evidence = db.session.scalar(select(ThemeEvidence))
    assert (evidence.quote_id, evidence.record_id) == (quote.id, quote.record_id)
    assert "Give us one day&#39;s notice." in main_content(officer_client.get(f"/themes/{theme.id}"))
    again = post_form(f"/records/{quote.record_id}/themes", data, form_url=record_url)
    assert again.status_code == 400 and "This quote is already evidence for" in text_of(again)
    assert count_rows(db, ThemeEvidence) == 1


def test_a_quote_of_another_record_is_not_found_and_nothing_is_stored(db, theme, officer_client, post_form):
    record = factories.EngagementRecordFactory()
    quote = factories.RecordQuoteFactory()
    data = {"theme_id": theme.id, "quote_id": quote.id}
    response = post_form(f"/records/{record.id}/themes", data, form_url=f"/records/{record.id}")
    assert response.status_code == 404
    assert count_rows(db, ThemeEvidence) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"theme_id": "0"}, "Choose a theme from the list"),
        ({"theme_id": "not a number"}, "Choose a theme from the list"),
        ({"quote_id": "x"}, "That quote is not on this record"),
        ({"quote_id": "9" * 30}, "That quote is not on this record"),
    ],
)
def test_bad_record_evidence_input_is_refused(db, theme, officer_client, post_form, data, message):
    record = factories.EngagementRecordFactory()
    response = post_form(
        f"/records/{record.id}/themes", {"theme_id": theme.id, **data}, form_url=f"/records/{record.id}"
    )
    assert response.status_code == 400 and message in text_of(response)
    assert count_rows(db, ThemeEvidence) == 0


def test_officer_adds_a_whole_record_by_number_on_the_theme_page(db, theme, officer_client, post_form):
    record = factories.EngagementRecordFactory(title="Carers' coffee morning")
    url = f"/themes/{theme.id}/evidence"
    assert post_form(url, {"record": f"#{record.id}"}, form_url=f"/themes/{theme.id}").status_code == 302
    html = main_content(officer_client.get(f"/themes/{theme.id}"))
    assert "Carers&#39; coffee morning" in html and "Whole record." in html
    twice = post_form(url, {"record": str(record.id)}, form_url=f"/themes/{theme.id}")
    assert twice.status_code == 400 and "This record is already evidence" in text_of(twice)
    bad = post_form(url, {"record": "forty-two"}, form_url=f"/themes/{theme.id}")
    assert bad.status_code == 400 and "Enter the record number as digits" in text_of(bad)
    assert post_form(url, {"record": "999999"}, form_url=f"/themes/{theme.id}").status_code == 404
    assert count_rows(db, ThemeEvidence) == 1


def test_officer_removes_evidence_and_it_is_audited(db, theme, officer_client, post_form):
    evidence = factories.ThemeEvidenceFactory(theme=theme)
    url = f"/themes/{theme.id}/evidence/{evidence.id}/remove"
    assert post_form(url, form_url=f"/themes/{theme.id}").status_code == 302
    assert count_rows(db, ThemeEvidence) == 0
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete")).object_type == "theme_evidence"


def test_evidence_of_another_theme_is_not_found(db, theme, officer_client, post_form):
    evidence = factories.ThemeEvidenceFactory()
    url = f"/themes/{theme.id}/evidence/{evidence.id}/remove"
    assert post_form(url, form_url=f"/themes/{theme.id}").status_code == 404
    assert count_rows(db, ThemeEvidence) == 1


def test_reviewer_sees_only_evidence_they_may_read_with_identifying_passages_removed(db, theme, login_as):
    readable = factories.EngagementRecordFactory(title="Ward drop-in", what_we_heard="Said by [[Mrs Jones of Ward 4]].")
    secret = factories.EngagementRecordFactory(title="Secret outreach", sensitivity=Sensitivity.restricted)
    factories.ThemeEvidenceFactory(theme=theme, record=readable)
    factories.ThemeEvidenceFactory(theme=theme, record=secret)
    reviewer_html = main_content(login_as(factories.UserFactory(role=Role.reviewer)).get(f"/themes/{theme.id}"))
    assert "Ward drop-in" in reviewer_html and "Secret outreach" not in reviewer_html
    assert "Mrs Jones" not in reviewer_html and "[identifying details removed]" in reviewer_html
    assert "Remove from theme" not in reviewer_html and "Add record" not in reviewer_html
    officer_html = main_content(login_as(factories.UserFactory(role=Role.officer)).get(f"/themes/{theme.id}"))
    assert "Secret outreach" in officer_html and "Mrs Jones of Ward 4" in officer_html


def test_theme_page_charts_evidence_by_month_place_and_topic(db, theme, officer_client):
    from datetime import date

    from tests.pages import table_rows

    place, topic = factories.PlaceFactory(name="Tonbridge"), factories.TopicFactory(name="Frailty")
    for day in (date(2026, 5, 14), date(2026, 7, 2), date(2026, 7, 20)):
        record = factories.EngagementRecordFactory(happened_on=day)
        record.places, record.topics = [place], [topic]
        factories.ThemeEvidenceFactory(theme=theme, record=record)
    response = officer_client.get(f"/themes/{theme.id}")
    assert table_rows(response, "Evidence by month") == [("May 2026", "1"), ("June 2026", "0"), ("July 2026", "2")]
    assert table_rows(response, "Evidence by place") == [("Tonbridge", "3")]
    assert table_rows(response, "Evidence by topic") == [("Frailty", "3")]


def test_publishing_needs_a_response_and_can_be_undone(db, theme, officer_client, post_form):
    url = f"/themes/{theme.id}"
    response = post_form(f"{url}/publish", form_url=url, follow_redirects=True)
    assert "Write what was done before publishing the response" in text_of(response)
    db.session.refresh(theme)
    assert theme.published_at is None
    theme.response = "We ring carers the day before."
    post_form(f"{url}/publish", form_url=url)
    db.session.refresh(theme)
    assert theme.is_published
    post_form(f"{url}/unpublish", form_url=url)
    db.session.refresh(theme)
    assert not theme.is_published
    changes = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "themes")).all()
    assert [e.changed_fields for e in changes] == [["published_at"], ["published_at"]]
