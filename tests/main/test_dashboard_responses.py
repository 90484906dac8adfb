"""Live response counts per consultation and channel on the officers' dashboard."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event

from engage.consultations.models import ConsultationStage
from engage.extensions import db
from engage.responses.models import ResponseChannel
from tests import factories
from tests.pages import main_content, plain

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CAPTION = "Consultation responses by channel"


@pytest.fixture
def consultations(app):
    make = factories.ConsultationFactory
    ready = ConsultationStage.ready
    day = timedelta(days=1)
    found = {
        "open": make(title="Urgent care <b>", stage=ready, opens_at=NOW - 10 * day, closes_at=NOW + 5 * day),
        "quiet": make(title="Quiet one", stage=ready, opens_at=NOW - 2 * day, closes_at=NOW + 30 * day),
        "closed": make(
            title="Recently closed", stage=ConsultationStage.analysing, opens_at=NOW - 60 * day, closes_at=NOW - 3 * day
        ),
        "old": make(title="Long closed", stage=ready, opens_at=NOW - 200 * day, closes_at=NOW - 90 * day),
        "draft": make(title="A draft", opens_at=NOW - 10 * day, closes_at=NOW + 5 * day),
        "scheduled": make(title="Not yet open", stage=ready, opens_at=NOW + day, closes_at=NOW + 40 * day),
    }
    respond = factories.ResponseFactory.create_batch
    respond(1200, consultation=found["open"], channel=ResponseChannel.online)
    respond(2, consultation=found["open"], channel=ResponseChannel.post)
    respond(1, consultation=found["open"], channel=ResponseChannel.event)
    respond(4, consultation=found["closed"], channel=ResponseChannel.email)
    respond(3, consultation=found["old"], channel=ResponseChannel.online)
    db.session.commit()
    return found


def table(response):
    """The dashboard table as {consultation title: [cells...]}, in page order."""
    import re

    body = main_content(response)
    start = body.index(CAPTION)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body[start : body.index("</table>", start)], re.S)[1:]
    result = {}
    for row in rows:
        cells = [plain(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        result[cells[0]] = cells[2:]
    return result


def test_officers_see_live_counts_per_consultation_and_channel(consultations, officer, login_as):
    with time_machine.travel(NOW, tick=False):
        response = login_as(officer).get("/dashboard")
    page = main_content(response)
    header = ["Online survey", "Post", "Email", "Phone", "At an event", "Other", "Total"]
    assert all(f">{label}</th>" in page for label in header)
    rows = table(response)
    # Open first (closing soonest first), then the recently closed; drafts, scheduled and long-closed ones left out.
    assert list(rows) == ["Urgent care <b>", "Quiet one", "Recently closed"]
    assert rows["Urgent care <b>"] == ["1,200", "2", "0", "0", "1", "0", "1,203"]
    assert rows["Quiet one"] == ["0", "0", "0", "0", "0", "0", "0"]
    assert rows["Recently closed"] == ["0", "0", "4", "0", "0", "0", "4"]
    assert "Urgent care &lt;b&gt;" in page
    manage = f'href="/consultations/manage/{consultations["open"].id}"'
    assert manage in page
    assert '<th scope="row"' in page and "<caption" in page


def test_the_counts_come_from_one_grouped_query(consultations, officer, login_as):
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM consultations" in statement and "responses" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with time_machine.travel(NOW, tick=False):
            assert login_as(officer).get("/dashboard").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "GROUP BY" in statements[0]


def test_the_counts_are_read_from_an_index_not_the_responses(consultations, officer, login_as):
    """At 100,000 responses the dashboard took 123 ms reading every response (SQLite), 29 ms from
    ix_responses_consultation_counts (bench/survey_scale.py)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan (PostgreSQL's planner reads a table this small whole)")
    plans = []

    def explain(conn, cursor, statement, parameters, *args):
        if "FROM consultations" in statement and "responses" in statement:
            plans.extend(row[-1] for row in cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters))

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        with time_machine.travel(NOW, tick=False):
            assert login_as(officer).get("/dashboard").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    assert any("USING COVERING INDEX ix_responses_consultation_counts" in step for step in plans), plans


def test_reviewers_see_the_counts_too_and_an_empty_list_says_so(app, reviewer, login_as):
    page = plain(main_content(login_as(reviewer).get("/dashboard")))
    assert "Consultation responses" in page
    assert "No consultation is open or has closed in the last 30 days." in page
