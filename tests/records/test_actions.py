"""Actions on engagement records: added, edited and completed by officers; overdue in London time."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import ActionStatus, RecordAction
from tests import factories
from tests.pages import count_rows, main_content, text_of

GOOD = {
    "description": "Call carers the day before discharge",
    "owner": "Discharge team, Maidstone Hospital",
    "due_on": "2026-12-01",
    "status": "open",
    "outcome": "",
}


@pytest.fixture
def record(app):
    return factories.EngagementRecordFactory()


@pytest.fixture
def officer_client(officer, login_as):
    return login_as(officer)


def test_officer_adds_an_action_and_sees_it_on_the_record(db, record, officer_client, post_form):
    hostile = {**GOOD, "owner": "<script>alert('x')</script> team"}
    response = post_form(f"/records/{record.id}/actions", hostile, form_url=f"/records/{record.id}")
    assert response.status_code == 302
    action = db.session.scalar(select(RecordAction))
    assert (action.description, action.due_on, action.status) == (GOOD["description"], date(2026, 12, 1), "open")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "record_actions"))
    assert entry.action == "create" and "owner" in entry.changed_fields
    assert "Discharge" not in str(entry.changed_fields)
    html = main_content(officer_client.get(f"/records/{record.id}"))
    assert "Call carers the day before discharge" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; team" in html and "<script>alert" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "  "}, "Enter what will be done"),
        ({"owner": ""}, "Enter who owns this action"),
        ({"due_on": "2026-02-30"}, "Enter a real date, for example 2026-12-01"),
        ({"status": "someday"}, "Choose a status from the list"),
        ({"owner": "x" * 201}, "Keep the owner to 200 characters"),
    ],
)
def test_bad_action_input_is_refused_and_nothing_is_stored(db, record, officer_client, post_form, change, message):
    response = post_form(f"/records/{record.id}/actions", {**GOOD, **change}, form_url=f"/records/{record.id}")
    assert response.status_code == 400
    assert "There is a problem" in text_of(response) and message in text_of(response)
    assert count_rows(db, RecordAction) == 0


def test_marking_an_action_done_records_the_london_day_and_reopening_clears_it(
    db, record, officer, login_as, post_form
):
    action = factories.RecordActionFactory(record=record, due_on=date(2026, 6, 30))
    url = f"/records/{record.id}/actions/{action.id}/edit"
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time). Sign in then, so the session is valid.
    with time_machine.travel(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), tick=False):
        login_as(officer)
        response = post_form(url, {**GOOD, "status": "done", "outcome": "Calls start in August"})
    login_as(officer)
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.status == ActionStatus.done and action.completed_on == date(2026, 7, 2)
    assert action.outcome == "Calls start in August"
    post_form(url, {**GOOD, "status": "in_progress"})
    db.session.refresh(action)
    assert action.completed_on is None
    updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
    assert {"status", "completed_on"} <= set(updates[0].changed_fields)


def test_an_action_of_another_record_is_not_found(db, record, officer_client):
    other = factories.RecordActionFactory()
    assert officer_client.get(f"/records/{record.id}/actions/{other.id}/edit").status_code == 404


def test_reviewer_sees_actions_but_cannot_add_or_edit_them(db, record, login_as):
    factories.RecordActionFactory(record=record, description="Book interpreters in advance")
    client = login_as(factories.UserFactory(role=Role.reviewer))
    html = main_content(client.get(f"/records/{record.id}"))
    assert "Book interpreters in advance" in html
    assert "Add an action" not in html and "/edit" not in html


@pytest.mark.parametrize(
    ("due_on", "status", "overdue"),
    [
        (date(2026, 7, 1), ActionStatus.open, True),
        (date(2026, 7, 1), ActionStatus.in_progress, True),
        (date(2026, 7, 2), ActionStatus.open, False),
        (date(2026, 7, 1), ActionStatus.done, False),
        (date(2026, 7, 1), ActionStatus.cancelled, False),
        (None, ActionStatus.open, False),
    ],
)
def test_an_action_is_overdue_when_open_and_due_before_today_in_london(db, officer, login_as, due_on, status, overdue):
    action = factories.RecordActionFactory(due_on=due_on, status=status, description="Check the signs")
    assert action.is_overdue(date(2026, 7, 2)) is overdue
    # 23:30 UTC on 1 July is already 2 July in London: an action due on 1 July is overdue.
    with time_machine.travel(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), tick=False):
        officer_client = login_as(officer)
        html = main_content(officer_client.get("/dashboard"))
        record_html = main_content(officer_client.get(f"/records/{action.record_id}"))
    overdue_section = html[html.index('id="overdue"') : html.index('id="activity"')]
    assert ("Check the signs" in overdue_section) is overdue
    assert ("Overdue" in record_html) is overdue


def test_outcomes_are_saved_with_the_record_and_rendered_as_markdown(db, officer_client, post_form):
    from engage.records.models import EngagementRecord

    data = {
        "title": "Discharge drop-in",
        "kind": "drop_in",
        "happened_on": "2026-10-01",
        "sensitivity": "partners",
        "outcomes": "Wards now **ring carers** the day before. <script>x</script>",
    }
    post_form("/records/new", data)
    record = db.session.scalar(select(EngagementRecord))
    html = main_content(officer_client.get(f"/records/{record.id}"))
    assert "<strong>ring carers</strong>" in html and "<script>x" not in html
