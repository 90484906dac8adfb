"""API writes: the pages' form rules, a 422 listing field errors with nothing stored, audit as the token user."""

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import EngagementRecord
from engage.stakeholders.models import Organisation, Person
from tests import factories
from tests.api.conftest import make_token


def _officer_token():
    officer = factories.UserFactory(role=Role.officer)
    return officer, make_token(officer)


def test_officer_creates_an_organisation_audited_as_the_token_user(app, db, api):
    officer, token = _officer_token()
    place = factories.PlaceFactory()
    response = api(
        "POST",
        "/api/v1/organisations",
        token=token,
        json={"name": "Kent Carers Network", "kind": "voluntary_community", "places": [place.id], "influence": 3},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Kent Carers Network" and body["places"][0]["id"] == place.id
    entry = db.session.query(AuditEntry).filter_by(object_type="organisations", action="create").one()
    assert entry.actor_id == officer.id and entry.object_id == str(body["id"])


def test_bad_organisation_is_422_with_the_forms_messages_and_nothing_stored(app, db, api):
    _officer, token = _officer_token()
    response = api(
        "POST",
        "/api/v1/organisations",
        token=token,
        json={"name": "Somewhere", "kind": "council", "website": "ftp://example.org", "postcode": "NOT A CODE"},
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert errors["website"] == ["Enter a website address starting with https://"]
    assert "postcode" in errors
    assert db.session.query(Organisation).count() == 0
    assert db.session.query(AuditEntry).filter_by(object_type="organisations").count() == 0


def test_missing_and_unknown_fields_are_422(app, db, api):
    _officer, token = _officer_token()
    body = api("POST", "/api/v1/organisations", token=token, json={"kind": "council", "colour": "red"}).get_json()
    assert body["status"] == 422 and {"name", "colour"} <= set(body["errors"])
    assert db.session.query(Organisation).count() == 0


def test_patch_changes_only_the_fields_sent(app, db, api):
    officer, token = _officer_token()
    organisation = factories.OrganisationFactory(name="Old name", website="https://old.example.org")
    response = api("PATCH", f"/api/v1/organisations/{organisation.id}", token=token, json={"name": "New name"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["name"] == "New name"
    assert response.get_json()["website"] == "https://old.example.org"
    entry = db.session.query(AuditEntry).filter_by(object_type="organisations", action="update").one()
    assert entry.actor_id == officer.id and entry.changed_fields == ["name"]


def test_patch_refuses_an_organisation_inside_itself(app, db, api):
    _officer, token = _officer_token()
    organisation = factories.OrganisationFactory()
    response = api(
        "PATCH", f"/api/v1/organisations/{organisation.id}", token=token, json={"parent_id": organisation.id}
    )
    assert response.status_code == 422
    assert db.session.get(Organisation, organisation.id).parent_id is None


def test_people_are_created_and_updated_with_the_person_forms_rules(app, db, api):
    _officer, token = _officer_token()
    bad = api("POST", "/api/v1/people", token=token, json={"name": "Sam", "email": "not-an-email"})
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    phone = api("POST", "/api/v1/people", token=token, json={"name": "Sam", "phone": "call me maybe"})
    assert phone.status_code == 422 and "phone" in phone.get_json()["errors"]
    assert db.session.query(Person).count() == 0
    created = api("POST", "/api/v1/people", token=token, json={"name": "Sam Patel", "email": "sam@example.org"})
    assert created.status_code == 201
    person_id = created.get_json()["id"]
    updated = api("PATCH", f"/api/v1/people/{person_id}", token=token, json={"job_title": "Chair"})
    assert updated.get_json()["job_title"] == "Chair" and updated.get_json()["email"] == "sam@example.org"


def test_officer_logs_a_record_with_links_and_quotes(app, db, api):
    officer, token = _officer_token()
    organisation = factories.OrganisationFactory()
    response = api(
        "POST",
        "/api/v1/records",
        token=token,
        json={
            "title": "Drop-in at the library",
            "kind": "drop_in",
            "happened_on": "2026-10-01",
            "sensitivity": "partners",
            "organisations": [organisation.id],
            "quotes": ["The bus never comes", "Parking is hard"],
            "residents_reached": 14,
        },
    )
    assert response.status_code == 201, response.get_json()
    record = db.session.get(EngagementRecord, response.get_json()["id"])
    assert record.author_id == officer.id and [o.id for o in record.organisations] == [organisation.id]
    assert [q.text for q in record.quotes] == ["The bus never comes", "Parking is hard"]
    assert db.session.query(AuditEntry).filter_by(object_type="engagement_records", actor_id=officer.id).count() == 1


def test_record_in_the_future_or_with_an_unknown_organisation_is_422_and_not_stored(app, db, api):
    _officer, token = _officer_token()
    response = api(
        "POST",
        "/api/v1/records",
        token=token,
        json={
            "title": "Tomorrow",
            "kind": "meeting",
            "happened_on": "2999-01-01",
            "sensitivity": "public",
            "organisations": [999999],
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "happened_on" in errors and "organisations" in errors
    assert db.session.query(EngagementRecord).count() == 0


def test_token_never_appears_in_the_log(app, db, api, caplog):
    import logging

    _officer, token = _officer_token()
    with caplog.at_level(logging.DEBUG):
        api("GET", "/api/v1/records", token=token)
        api("GET", "/api/v1/records", token=token + "x")
        api("POST", "/api/v1/records", token=token, json={})
    assert token not in caplog.text


def test_text_with_a_lone_surrogate_is_400_and_not_stored(app, db, api):
    # Found by tests/security/test_hostile_input.py: JSON may escape half a UTF-16 pair, which no
    # database can store (it was a 500 from the driver).
    _officer, token = _officer_token()
    response = api("POST", "/api/v1/people", token=token, json={"name": "Amara \ud800", "places": []})
    assert response.status_code == 400
    assert "lone surrogate" in response.get_json()["detail"]
    assert db.session.query(Person).count() == 0


def test_a_body_nested_too_deep_to_decode_is_400(app, db, api):
    _officer, token = _officer_token()
    body = "[" * 100_000 + "]" * 100_000
    response = api("POST", "/api/v1/people", token=token, data=body, content_type="application/json")
    assert response.status_code == 400
    assert db.session.query(Person).count() == 0
