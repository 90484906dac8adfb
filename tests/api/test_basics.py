"""Tokens, problem bodies, paging, ETags and rate limits: what a script using the API notices."""

from datetime import date, timedelta

from engage.accounts.models import ApiToken, TokenScope
from engage.audit import AuditEntry
from engage.extensions import db
from engage.records.models import EngagementRecord, Sensitivity
from tests import factories
from tests.api.conftest import make_token


def _problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return body


def test_anonymous_gets_401_problem_not_a_sign_in_redirect(api):
    response = api("GET", "/api/v1/records")
    _problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_signed_in_browser_session_does_not_count_on_the_api(client, login_as, officer):
    login_as(officer)
    _problem(client.get("/api/v1/records"), 401)


def test_unknown_expired_and_revoked_tokens_get_401(api, officer, token_for):
    _problem(api("GET", "/api/v1/records", token="eng_not-a-token"), 401)
    expired = token_for(officer, days=-1)
    _problem(api("GET", "/api/v1/records", token=expired), 401)
    revoked = token_for(officer)
    token = db.session.query(ApiToken).order_by(ApiToken.id.desc()).first()
    token.revoked_at = token.created_at
    db.session.commit()
    _problem(api("GET", "/api/v1/records", token=revoked), 401)
    _problem(api("GET", "/api/v1/records", headers={"Authorization": "Basic abc"}), 401)


def test_deactivated_users_token_stops_working(api, officer, token_for):
    secret = token_for(officer)
    assert api("GET", "/api/v1/records", token=secret).status_code == 200
    officer.is_active = False
    db.session.commit()
    _problem(api("GET", "/api/v1/records", token=secret), 401)


def test_read_token_cannot_write(api, officer, token_for):
    secret = token_for(officer, scope=TokenScope.read)
    body = _problem(api("POST", "/api/v1/organisations", token=secret, json={"name": "X", "kind": "council"}), 403)
    assert "only read" in body["detail"]
    assert db.session.query(AuditEntry).filter_by(object_type="organisations").count() == 0


def test_reviewer_token_cannot_write_even_read_write(api, reviewer, token_for):
    secret = token_for(reviewer)
    _problem(api("POST", "/api/v1/organisations", token=secret, json={"name": "X", "kind": "council"}), 403)


def test_unknown_route_method_and_bad_query_are_problems(api, officer, token_for):
    secret = token_for(officer)
    _problem(api("GET", "/api/v1/nothing-here", token=secret), 404)
    response = api("DELETE", "/api/v1/records", token=secret)
    _problem(response, 405)
    assert "GET" in response.headers["Allow"]
    body = _problem(api("GET", "/api/v1/records?limit=5000", token=secret), 422)
    assert "limit" in body["errors"]
    body = _problem(api("GET", "/api/v1/records?cursor=bm9wZQ", token=secret), 422)
    assert "cursor" in body["errors"]


def test_server_error_is_a_problem_body(make_app):
    from engage.permissions import PUBLIC, requires

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/v1/boom")
    @requires(PUBLIC)
    def boom():
        raise RuntimeError("kaboom")

    with app.app_context():
        response = app.test_client().get("/api/v1/boom")
    body = _problem(response, 500)
    assert "kaboom" not in response.get_data(as_text=True)
    assert body["title"]


def test_cursor_pages_walk_every_record_once_with_next_links(api, officer, token_for):
    for i in range(7):
        factories.EngagementRecordFactory(happened_on=date(2026, 1, 1) + timedelta(days=i % 3))
    secret = token_for(officer)
    seen, url, pages = [], "/api/v1/records?limit=3", 0
    while url:
        response = api("GET", url, token=secret)
        assert response.status_code == 200
        body = response.get_json()
        seen += [item["id"] for item in body["items"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        url, pages = body["next"], pages + 1
    expected = [
        r.id
        for r in db.session.query(EngagementRecord).order_by(
            EngagementRecord.happened_on.desc(), EngagementRecord.id.desc()
        )
    ]
    assert seen == expected and pages == 3


def test_etag_gives_304_when_nothing_changed(api, officer, token_for):
    record = factories.EngagementRecordFactory()
    secret = token_for(officer)
    first = api("GET", f"/api/v1/records/{record.id}", token=secret)
    etag = first.headers["ETag"]
    again = api("GET", f"/api/v1/records/{record.id}", token=secret, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    record.title = "Changed"
    db.session.commit()
    changed = api("GET", f"/api/v1/records/{record.id}", token=secret, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Changed"


def test_rate_limit_is_per_token_and_a_problem(make_app):
    app = make_app(API_RATE_LIMIT="3/minute")
    with app.app_context():
        first = make_token(factories.UserFactory())
        second = make_token(factories.UserFactory())
        client = app.test_client()
        for _ in range(3):
            assert client.get("/api/v1/themes", headers={"Authorization": f"Bearer {first}"}).status_code == 200
        limited = client.get("/api/v1/themes", headers={"Authorization": f"Bearer {first}"})
        _problem(limited, 429)
        assert int(limited.headers["Retry-After"]) > 0
        assert client.get("/api/v1/themes", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_published_outcomes_need_no_token(api):
    from engage.consultations.models import ConsultationStage

    published = factories.ConsultationFactory(stage=ConsultationStage.outcome_published, outcome="We decided")
    factories.ConsultationFactory(stage=ConsultationStage.ready)
    response = api("GET", "/api/v1/outcomes")
    assert response.status_code == 200
    assert [o["slug"] for o in response.get_json()["items"]] == [published.slug]
    assert api("GET", f"/api/v1/outcomes/{published.slug}").get_json()["outcome"] == "We decided"
    _problem(api("GET", "/api/v1/outcomes/not-published-or-missing"), 404)


def test_openapi_description_is_3_1_and_docs_page_loads_local_assets(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/records" in spec["paths"]
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/assets/swagger-ui/swagger-ui-bundle.js" in html and "/assets/js/api-docs.js" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    bundle = client.get("/assets/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_restricted_record_opened_through_the_api_is_audited(api, officer, token_for):
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted)
    secret = token_for(officer)
    assert api("GET", f"/api/v1/records/{record.id}", token=secret).status_code == 200
    assert db.session.query(AuditEntry).filter_by(object_id=str(record.id), actor_id=officer.id).count() >= 1


def test_token_secret_is_stored_hashed(officer, token_for):
    secret = token_for(officer)
    token = db.session.query(ApiToken).one()
    assert secret not in (token.token_hash, token.prefix) and token.prefix == secret[:8]


def test_ids_and_cursors_outside_what_the_database_holds_are_refused_not_500(api, officer, token_for):
    import base64
    import json

    secret = token_for(officer)
    _problem(api("GET", "/api/v1/consultations/2147483648", token=secret), 404)
    body = _problem(api("GET", "/api/v1/people?place=99999999999", token=secret), 422)
    assert "place" in body["errors"]
    for values in ([2**40], ["\x00", 1], ["2026-01-01", 2**40]):
        cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        for url in ("/api/v1/consultations", "/api/v1/organisations", "/api/v1/records"):
            _problem(api("GET", f"{url}?cursor={cursor}", token=secret), 422)
    created = api(
        "POST", "/api/v1/organisations", token=secret, json={"name": "X", "kind": "council", "parent_id": 2**40}
    )
    assert _problem(created, 422)["errors"]["parent_id"]
