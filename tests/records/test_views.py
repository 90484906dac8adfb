"""Logging engagement records through the form, with bad input refused and nothing half-stored."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.dates import now_utc, to_london
from engage.permissions import Role
from engage.records.models import EngagementRecord, RecordQuote
from tests import factories

GOOD = {
    "title": "Frailty workshop in Maidstone",
    "kind": "workshop",
    "happened_on": "2026-10-01",
    "residents_reached": "23",
    "what_we_heard": "People said **one named contact** matters. <script>alert('x')</script> [x](javascript:alert(1))",
    "quotes": "I tell my story five times a week.\n\nThe bus only comes twice a day.",
    "sensitivity": "partners",
}


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def officer_client(app, login_as, client):
    officer = factories.UserFactory(role=Role.officer)
    login_as(officer)
    return client


def test_officer_logs_a_record_with_quotes_and_links(app, db, officer_client, post_form):
    organisation = factories.OrganisationFactory(name="Involve Kent")
    person = factories.PersonFactory()
    data = {**GOOD, "organisations": f"Involve Kent; #{organisation.id}", "people": f"#{person.id}"}
    response = post_form("/records/new", data)
    assert response.status_code == 302
    record = db.session.scalar(select(EngagementRecord))
    assert record.title == "Frailty workshop in Maidstone"
    assert [o.id for o in record.organisations] == [organisation.id]
    assert [p.id for p in record.people] == [person.id]
    assert [q.text for q in record.quotes] == ["I tell my story five times a week.", "The bus only comes twice a day."]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "engagement_records"))
    assert entry.action == "create" and "what_we_heard" in entry.changed_fields
    assert "one named contact" not in str(entry.changed_fields)


def test_what_we_heard_is_rendered_as_markdown_and_sanitised(app, db, officer_client, post_form, client):
    post_form("/records/new", GOOD)
    record = db.session.scalar(select(EngagementRecord))
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "<strong>one named contact</strong>" in html
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"happened_on": ""}, "Enter the date it happened"),
        ({"happened_on": "2026-02-30"}, "Enter a real date, for example 2026-10-01"),
        ({"kind": "party"}, "Choose the type of activity from the list"),
        ({"sensitivity": "secret"}, "Choose who can see this record from the list"),
        ({"ended_on": "2026-09-01"}, "The end date must be the same as or after the date"),
        ({"residents_reached": "-3"}, "Enter a number from 0 to 1,000,000"),
        ({"organisations": "No Such Organisation"}, "No organisation is called"),
        ({"what_we_heard": "x" * 20_001}, "What we heard must be 20,000 characters or fewer"),
    ],
)
def test_bad_record_input_is_refused_and_nothing_is_stored(app, db, officer_client, post_form, change, message):
    response = post_form("/records/new", {**GOOD, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert "<title>Error: " in html
    assert count(db, EngagementRecord) == 0
    assert count(db, RecordQuote) == 0


def test_a_date_in_the_future_is_refused(app, db, officer_client, post_form):
    tomorrow = (to_london(now_utc()).date() + timedelta(days=1)).isoformat()
    response = post_form("/records/new", {**GOOD, "happened_on": tomorrow})
    assert "The date must be today or in the past" in response.get_data(as_text=True)
    assert count(db, EngagementRecord) == 0


def test_search_with_sql_and_wildcard_characters_never_fails(app, db, officer_client):
    factories.EngagementRecordFactory(title="100% of residents")
    for query in ["' OR 1=1--", "%", "_", "\\", '"', "NEAR(", "*", "a" * 10_000]:
        response = officer_client.get("/records/", query_string={"q": query})
        assert response.status_code == 200
    html = officer_client.get("/records/", query_string={"q": "100%"}).get_data(as_text=True)
    assert "1 record" in html


def test_stakeholder_pages_show_when_they_were_last_engaged(app, db, officer_client):
    organisation = factories.OrganisationFactory()
    record = factories.EngagementRecordFactory(title="Discharge drop-in")
    record.organisations = [organisation]
    html = officer_client.get(f"/stakeholders/organisations/{organisation.id}").get_data(as_text=True)
    assert "Last engaged: <strong>1 October 2026</strong>" in html
    assert "Discharge drop-in" in html


def test_gaps_list_puts_stakeholders_to_manage_closely_first_and_skips_the_recently_engaged(app, db, officer_client):
    engaged = factories.OrganisationFactory(name="Engaged recently", influence=5, interest=5)
    factories.OrganisationFactory(name="Monitor me", influence=1, interest=1)
    factories.OrganisationFactory(name="Manage me closely", influence=5, interest=5)
    record = factories.EngagementRecordFactory(happened_on=to_london(now_utc()).date())
    record.organisations = [engaged]
    html = officer_client.get("/stakeholders/coverage", query_string={"days": 30}).get_data(as_text=True)
    assert "Engaged recently" not in html
    assert html.index("Manage me closely") < html.index("Monitor me")
    bad = officer_client.get("/stakeholders/coverage", query_string={"days": "0"}).get_data(as_text=True)
    assert "Enter a number of days from 1 to 3650" in bad


def test_export_contains_only_readable_matching_records_with_formulas_neutralised(app, db, login_as, client):
    import csv
    import io
    import zipfile

    reviewer = factories.UserFactory(role=Role.reviewer)
    factories.EngagementRecordFactory(title='=HYPERLINK("http://evil") falls clinic', what_we_heard="+1 -2 @SUM(A1)")
    factories.EngagementRecordFactory(title="Secret falls outreach", sensitivity="restricted")
    factories.EngagementRecordFactory(title="Diabetes survey")
    login_as(reviewer)
    response = client.get("/records/export.csv", query_string={"q": "falls"})
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[4] for row in table[1:]] == ['\'=HYPERLINK("http://evil") falls clinic']
    assert table[1][9] == "'+1 -2 @SUM(A1)"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in table for cell in row)
    xlsx = client.get("/records/export.xlsx", query_string={"q": "falls"})
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "Secret falls outreach" not in sheet
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.changed_fields for e in exports] == [["filter:q", "format:csv"], ["filter:q", "format:xlsx"]]
