"""The audit log page: filters by who, action, object and London date; paging; bad filters."""

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from engage import audit
from engage.audit import AuditEntry
from engage.extensions import db as _db
from tests.factories import PlaceFactory, TopicFactory
from tests.pages import page_title, plain, text_of

ROW_RE = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL_RE = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def audit_rows(response):
    """Return the audit table as (when, who, action, object, fields) tuples of plain text."""
    body = text_of(response)
    start = body.find('<tbody class="nhsuk-table__body">')
    if start < 0:
        return []
    body = body[start : body.index("</tbody>", start)]
    return [tuple(plain(cell) for cell in CELL_RE.findall(row)) for row in ROW_RE.findall(body)]


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def record_at(when, actor, action, obj, changed=None):
    """Record an audit entry as if at ``when`` (the time is taken when the row is inserted)."""
    with time_machine.travel(when, tick=False):
        entry = audit.record(actor, action, obj, changed)
        _db.session.flush()
    return entry


@pytest.fixture
def admin_client(admin, login_as):
    return login_as(admin)


@pytest.fixture
def log(db, admin, officer):
    """A small log: different people, actions, objects and (London) days."""
    topic = TopicFactory(name="Falls")
    place = PlaceFactory(name="Medway")
    # 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
    record_at(datetime(2026, 6, 1, 22, 30, tzinfo=UTC), admin, "create", topic, ["name"])
    record_at(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), admin, "update", place, ["population"])
    record_at(datetime(2026, 6, 3, 9, 0, tzinfo=UTC), officer, "update", topic, ["description"])
    record_at(datetime(2026, 6, 4, 9, 0, tzinfo=UTC), admin, "deactivate", officer, ["is_active"])
    db.session.commit()
    return {"topic": topic, "place": place}


def actions_and_objects(response):
    return [(row[2], row[3]) for row in audit_rows(response)]


def test_admin_sees_the_whole_log_newest_first(admin_client, log, officer):
    response = admin_client.get("/admin/audit")
    assert response.status_code == 200
    assert "4 entries" in plain(text_of(response))
    assert actions_and_objects(response) == [
        ("deactivate", f"users {officer.id}"),
        ("update", f"topics {log['topic'].id}"),
        ("update", f"places {log['place'].id}"),
        ("create", f"topics {log['topic'].id}"),
    ]
    first = audit_rows(response)[0]
    assert first[0] == "4 June 2026 at 10:00am"
    assert first[4] == "is active"


def test_admin_can_filter_the_log_by_action(admin_client, log):
    response = admin_client.get("/admin/audit?action=update")
    assert [row[2] for row in audit_rows(response)] == ["update", "update"]
    assert "2 entries" in plain(text_of(response))


def test_admin_can_filter_the_log_by_object(admin_client, log):
    response = admin_client.get("/admin/audit?object_type=topics")
    assert actions_and_objects(response) == [
        ("update", f"topics {log['topic'].id}"),
        ("create", f"topics {log['topic'].id}"),
    ]


def test_admin_can_filter_the_log_by_who(admin_client, log, officer):
    response = admin_client.get(f"/admin/audit?actor={officer.id}")
    assert actions_and_objects(response) == [("update", f"topics {log['topic'].id}")]
    assert audit_rows(response)[0][1] == officer.name


def test_admin_can_combine_filters(admin_client, log, admin):
    response = admin_client.get(f"/admin/audit?actor={admin.id}&action=update&object_type=places")
    assert actions_and_objects(response) == [("update", f"places {log['place'].id}")]
    response = admin_client.get(f"/admin/audit?actor={admin.id}&action=update&object_type=topics")
    assert audit_rows(response) == []
    assert "0 entries" in plain(text_of(response))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2026-06-02&date_to=2026-06-02", ["update places"]),
        ("date_from=2026-06-01&date_to=2026-06-01", ["create topics"]),
        ("date_from=2026-06-03", ["deactivate users", "update topics"]),
        ("date_to=2026-06-02", ["update places", "create topics"]),
        ("date_from=2026-06-05", []),
    ],
)
def test_admin_can_filter_the_log_by_london_date(admin_client, log, query, expected):
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert [f"{action} {obj.split()[0]}" for action, obj in actions_and_objects(response)] == expected


def test_date_filter_uses_london_days_in_winter_too(db, admin, admin_client):
    topic = TopicFactory()
    # In January London is on GMT: 23:30 UTC on 14 January is still 14 January.
    record_at(datetime(2026, 1, 14, 23, 30, tzinfo=UTC), admin, "update", topic, ["name"])
    db.session.commit()
    assert len(audit_rows(admin_client.get("/admin/audit?date_from=2026-01-14&date_to=2026-01-14"))) == 1
    assert audit_rows(admin_client.get("/admin/audit?date_from=2026-01-15&date_to=2026-01-15")) == []


def test_to_date_before_from_date_is_an_error(admin_client, log):
    response = admin_client.get("/admin/audit?date_from=2026-06-03&date_to=2026-06-02")
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "The 'to' date must be the same as or after the 'from' date" in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert audit_rows(response) == []


@pytest.mark.parametrize(
    ("query", "status", "shows_problem"),
    [
        ("date_from=2026-02-30", 200, True),
        ("date_to=yesterday", 200, True),
        ("actor=abc", 200, True),
        ("actor=99999", 200, True),
        ("actor=99999999999999999999999", 200, True),
        ("action=no_such_action", 200, False),
        ("object_type=%3Cscript%3E", 200, False),
        ("page=99999999999999999999999", 404, False),
        ("page=abc", 200, False),
    ],
)
def test_odd_filters_never_cause_a_server_error(admin_client, log, query, status, shows_problem):
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == status
    assert ("There is a problem" in text_of(response)) is shows_problem
    if shows_problem:
        assert audit_rows(response) == []
        assert page_title(response).startswith("Error: ")


def test_unknown_action_finds_nothing(admin_client, log):
    response = admin_client.get("/admin/audit?action=no_such_action")
    assert response.status_code == 200
    assert audit_rows(response) == []


# Paging -------------------------------------------------------------------------------


@pytest.fixture
def long_log(db, admin):
    topic = TopicFactory(name="Paging")
    for minute in range(55):
        record_at(datetime(2026, 6, 1, 9, minute, tzinfo=UTC), admin, "update", topic, ["description"])
    record_at(datetime(2026, 6, 1, 10, 0, tzinfo=UTC), admin, "create", topic, ["name"])
    db.session.commit()
    assert audit_count(db) == 56


def test_long_log_is_split_into_pages(admin_client, long_log):
    first = admin_client.get("/admin/audit")
    assert "56 entries" in plain(text_of(first))
    assert len(audit_rows(first)) == 50
    assert audit_rows(first)[0][0] == "1 June 2026 at 11:00am"
    assert "Page 2 of 2" in plain(text_of(first))
    assert 'href="/admin/audit?page=2"' in text_of(first)

    second = admin_client.get("/admin/audit?page=2")
    assert second.status_code == 200
    rows = audit_rows(second)
    assert len(rows) == 6
    assert rows[-1][0] == "1 June 2026 at 10:00am"
    assert "Page 1 of 2" in plain(text_of(second))
    assert "Page 3" not in plain(text_of(second))


def test_paging_keeps_the_filters(admin_client, long_log):
    first = admin_client.get("/admin/audit?action=update")
    assert "55 entries" in plain(text_of(first))
    assert "Page 2 of 2" in plain(text_of(first))
    link = re.search(r'href="(/admin/audit\?[^"]*page=2[^"]*)"', text_of(first)).group(1)
    assert "action=update" in html.unescape(link)
    second = admin_client.get(html.unescape(link))
    assert [row[2] for row in audit_rows(second)] == ["update"] * 5


def test_short_log_has_no_pages(admin_client, log):
    assert "Page 2 of" not in plain(text_of(admin_client.get("/admin/audit")))


def test_a_page_past_the_end_is_empty_not_an_error(admin_client, long_log):
    response = admin_client.get("/admin/audit?page=999")
    assert response.status_code == 200
    assert audit_rows(response) == []


@pytest.mark.parametrize("page", ["0", "-1"])
def test_a_page_number_below_one_is_not_found(admin_client, long_log, page):
    assert admin_client.get(f"/admin/audit?page={page}").status_code == 404


def test_a_page_number_that_is_not_a_number_shows_the_first_page(admin_client, long_log):
    response = admin_client.get("/admin/audit?page=abc")
    assert response.status_code == 200
    assert len(audit_rows(response)) == 50


# Who may see it -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_staff_other_than_admins_cannot_see_the_audit_log(request, login_as, role):
    client = login_as(request.getfixturevalue(role))
    assert client.get("/admin/audit").status_code == 403


def test_filter_offers_only_object_types_in_the_log(admin_client, log):
    page = text_of(admin_client.get("/admin/audit"))
    select_html = page[page.index('id="object_type"') : page.index("</select>", page.index('id="object_type"'))]
    values = re.findall(r'<option value="([^"]*)"', select_html)
    assert values == ["", "places", "topics", "users"]


def test_who_filter_escapes_hostile_names(admin_client, log):
    page = text_of(admin_client.get("/admin/audit"))
    select_html = page[page.index('id="actor"') : page.index("</select>", page.index('id="actor"'))]
    assert "<script>alert" not in select_html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in select_html
