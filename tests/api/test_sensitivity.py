"""The API obeys the same sensitivity rule as the record pages, role by role, through each role's token."""

import pytest

from engage.permissions import Role
from engage.records.models import Sensitivity
from engage.search import rebuild
from tests import factories
from tests.api.conftest import make_token

# (sensitivity, role, named reviewer?, author?) -> can read: the cases of tests/records/test_rules.py
CASES = [
    (Sensitivity.public, "reviewer", False, False, True),
    (Sensitivity.partners, "reviewer", False, False, True),
    (Sensitivity.restricted, "reviewer", False, False, False),
    (Sensitivity.restricted, "reviewer", True, False, True),
    (Sensitivity.restricted, "reviewer", False, True, True),
    (Sensitivity.restricted, "officer", False, False, True),
    (Sensitivity.restricted, "admin", False, False, True),
    (Sensitivity.partners, "officer", False, False, True),
]


@pytest.mark.parametrize(("sensitivity", "role", "named", "author", "allowed"), CASES)
def test_api_read_list_and_search_follow_the_sensitivity_rule(
    app, db, api, login_as, client, sensitivity, role, named, author, allowed
):
    user = factories.UserFactory(role=Role(role))
    record = factories.EngagementRecordFactory(
        sensitivity=sensitivity, title="Canary record title", author_id=user.id if author else None
    )
    if named:
        record.reviewers = [user]
    db.session.commit()
    rebuild()
    db.session.commit()
    token = make_token(user)

    assert api("GET", f"/api/v1/records/{record.id}", token=token).status_code == (200 if allowed else 404)
    listed = [r["id"] for r in api("GET", "/api/v1/records", token=token).get_json()["items"]]
    assert (record.id in listed) is allowed
    found = [r["id"] for r in api("GET", "/api/v1/records?q=canary", token=token).get_json()["items"]]
    assert (record.id in found) is allowed
    filtered = api("GET", f"/api/v1/records?sensitivity={sensitivity.value}", token=token).get_json()["items"]
    assert (record.id in [r["id"] for r in filtered]) is allowed

    # The same answer as the page gives the same user.
    login_as(user)
    assert client.get(f"/records/{record.id}").status_code == (200 if allowed else 404)


def test_partner_reviewer_sees_identifying_passages_removed_officer_sees_them(app, db, api):
    text = "The carer said [[Mrs Jones at 4 High Street]] waits weeks."
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.partners, what_we_heard=text)
    reviewer = make_token(factories.UserFactory(role=Role.reviewer))
    officer = make_token(factories.UserFactory(role=Role.officer))
    seen_by_reviewer = api("GET", f"/api/v1/records/{record.id}", token=reviewer).get_json()["what_we_heard"]
    assert "Mrs Jones" not in seen_by_reviewer and "identifying details removed" in seen_by_reviewer
    listed = api("GET", "/api/v1/records", token=reviewer).get_json()["items"][0]["what_we_heard"]
    assert "Mrs Jones" not in listed
    assert "Mrs Jones" in api("GET", f"/api/v1/records/{record.id}", token=officer).get_json()["what_we_heard"]


def test_theme_evidence_from_restricted_records_is_hidden_from_reviewers(app, db, api):
    theme = factories.ThemeFactory()
    factories.ThemeEvidenceFactory(theme=theme, record=factories.EngagementRecordFactory())
    factories.ThemeEvidenceFactory(
        theme=theme, record=factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted)
    )
    reviewer = make_token(factories.UserFactory(role=Role.reviewer))
    officer = make_token(factories.UserFactory(role=Role.officer))
    assert len(api("GET", f"/api/v1/themes/{theme.id}", token=reviewer).get_json()["evidence"]) == 1
    assert api("GET", "/api/v1/themes", token=reviewer).get_json()["items"][0]["evidence_count"] == 1
    assert len(api("GET", f"/api/v1/themes/{theme.id}", token=officer).get_json()["evidence"]) == 2


def test_responses_are_for_officers_and_leave_out_names_and_emails(app, db, api):
    response = factories.ResponseFactory(name="Ann Resident", email="ann@example.org")
    reviewer = make_token(factories.UserFactory(role=Role.reviewer))
    officer = make_token(factories.UserFactory(role=Role.officer))
    url = f"/api/v1/consultations/{response.consultation_id}/responses"
    assert api("GET", url, token=reviewer).status_code == 403
    body = api("GET", url, token=officer)
    assert body.status_code == 200
    assert body.get_json()["items"][0]["reference"] == response.reference
    assert "Ann Resident" not in body.get_data(as_text=True) and "ann@example.org" not in body.get_data(as_text=True)


def test_partner_creates_a_token_and_lists_public_and_partner_records_from_a_script(
    app, db, client, post_form, login_as
):
    """The issue's "done when": through the account page, then plain HTTP with the token."""
    import re

    partner = factories.UserFactory(role=Role.reviewer, organisation="Healthwatch Kent")
    public = factories.EngagementRecordFactory(sensitivity=Sensitivity.public)
    partners = factories.EngagementRecordFactory(sensitivity=Sensitivity.partners)
    restricted = factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted)
    login_as(partner)
    page = post_form(
        "/account/tokens", {"name": "Healthwatch dashboard", "scope": "read", "expires_in": "30"}, form_url="/account/"
    )
    assert page.status_code == 201
    secret = re.search(r'<code class="engage-token">([^<]+)</code>', page.get_data(as_text=True)).group(1)

    script = app.test_client()  # no cookies: a script elsewhere
    listed = script.get("/api/v1/records", headers={"Authorization": f"Bearer {secret}"}).get_json()
    ids = {r["id"] for r in listed["items"]}
    assert {public.id, partners.id} <= ids and restricted.id not in ids
