"""The dashboard's activity figures: by month (London), place, topic and type, only for records the viewer may read."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from engage.permissions import Role
from engage.records.models import RecordKind, Sensitivity
from tests import factories
from tests.pages import main_content, table_rows

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def activity(db):
    west = factories.PlaceFactory(name="West Kent")
    thanet = factories.PlaceFactory(name="Thanet")
    urgent = factories.TopicFactory(name="Urgent care")
    frailty = factories.TopicFactory(name="Frailty")
    make = factories.EngagementRecordFactory
    a = make(happened_on=date(2026, 11, 2), kind=RecordKind.workshop)
    a.places, a.topics = [west], [urgent]
    b = make(happened_on=date(2026, 10, 10), kind=RecordKind.survey, sensitivity=Sensitivity.public)
    b.places, b.topics = [west, thanet], [urgent, frailty]
    old = make(happened_on=date(2025, 11, 30), kind=RecordKind.survey)  # before the 12-month window
    old.places = [west]
    secret = make(happened_on=date(2026, 9, 1), kind=RecordKind.outreach, sensitivity=Sensitivity.restricted)
    secret.places = [thanet]
    db.session.flush()


def dashboard_as(user, login_as):
    with time_machine.travel(NOW, tick=False):
        return login_as(user).get("/dashboard")


def test_officer_sees_activity_by_month_place_topic_and_type(activity, officer, login_as):
    response = dashboard_as(officer, login_as)
    months = table_rows(response, "Records by month")
    assert months[0] == ("December 2025", "0") and len(months) == 12
    assert months[-3:] == [("September 2026", "1"), ("October 2026", "1"), ("November 2026", "1")]
    assert table_rows(response, "Records by place") == [("Thanet", "2"), ("West Kent", "2")]
    assert table_rows(response, "Records by topic") == [("Urgent care", "2"), ("Frailty", "1")]
    assert table_rows(response, "Records by type of activity") == [
        ("Outreach", "1"),
        ("Survey", "1"),
        ("Workshop", "1"),
    ]
    html = main_content(response)
    assert html.count('class="engage-chart"') == 4
    assert "3 records you can read, from 1 December 2025 to today" in html


def test_reviewer_figures_leave_out_restricted_records_they_cannot_read(activity, reviewer, login_as):
    response = dashboard_as(reviewer, login_as)
    assert table_rows(response, "Records by place") == [("West Kent", "2"), ("Thanet", "1")]
    assert ("September 2026", "0") in table_rows(response, "Records by month")
    html = main_content(response)
    assert "Overdue actions" not in html
    assert "Waiting for your review" in html


def test_hostile_place_names_are_escaped_in_chart_and_table(db, officer, login_as):
    record = factories.EngagementRecordFactory(happened_on=date(2026, 11, 1))
    record.places = [factories.PlaceFactory()]  # the factory name carries <script>
    html = main_content(dashboard_as(officer, login_as))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_dashboard_with_no_records_says_so(db, login_as):
    html = main_content(dashboard_as(factories.UserFactory(role=Role.admin), login_as))
    assert "0 records you can read" in html and "Nothing to show yet." in html
