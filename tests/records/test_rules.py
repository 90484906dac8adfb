"""Sensitivity x role: who can open a record, and who finds it in the list."""

import pytest

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import Sensitivity
from tests import factories

# (sensitivity, role, named reviewer?) -> can read
CASES = [
    (Sensitivity.public, "reviewer", False, True),
    (Sensitivity.partners, "reviewer", False, True),
    (Sensitivity.restricted, "reviewer", False, False),
    (Sensitivity.restricted, "reviewer", True, True),
    (Sensitivity.restricted, "officer", False, True),
    (Sensitivity.restricted, "admin", False, True),
    (Sensitivity.partners, "officer", False, True),
]


@pytest.mark.parametrize(("sensitivity", "role", "named", "allowed"), CASES)
def test_record_page_and_list_follow_the_sensitivity_rule(app, db, login_as, client, sensitivity, role, named, allowed):
    user = factories.UserFactory(role=Role(role))
    record = factories.EngagementRecordFactory(sensitivity=sensitivity, title="Canary record title")
    if named:
        record.reviewers = [user]
    login_as(user)
    page = client.get(f"/records/{record.id}")
    assert page.status_code == (200 if allowed else 404)
    listing = client.get("/records/").get_data(as_text=True)
    assert ("Canary record title" in listing) is allowed


def test_anonymous_visitor_is_sent_to_sign_in_for_any_record(app, client):
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.public)
    response = client.get(f"/records/{record.id}")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_opening_a_restricted_record_is_logged_without_its_content(app, db, login_as, client):
    reviewer = factories.UserFactory(role=Role.reviewer)
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted)
    record.reviewers = [reviewer]
    login_as(reviewer)
    client.get(f"/records/{record.id}")
    views = db.session.query(AuditEntry).filter_by(action="view", object_type="engagement_records").all()
    assert [(v.actor_id, v.object_id, v.changed_fields) for v in views] == [(reviewer.id, str(record.id), [])]


def test_opening_a_partners_record_is_not_logged_as_a_view(app, db, login_as, client):
    reviewer = factories.UserFactory(role=Role.reviewer)
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.partners)
    login_as(reviewer)
    client.get(f"/records/{record.id}")
    assert db.session.query(AuditEntry).filter_by(action="view").count() == 0


def test_reviewer_cannot_edit_a_record(app, login_as, client):
    record = factories.EngagementRecordFactory()
    login_as(factories.UserFactory(role=Role.reviewer))
    assert client.get(f"/records/{record.id}/edit").status_code == 403
