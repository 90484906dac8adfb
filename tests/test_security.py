"""Response headers, CSRF, error bodies and cache rules that apply to every page."""

import re

from engage.extensions import db as _db
from engage.permissions import Role
from tests import factories
from tests.conftest import csrf_token_from

REQUIRED_HEADERS = {
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
}


def get_routes(app):
    with app.test_request_context():
        return [
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        ]


def test_every_page_sends_the_security_headers_as_anonymous_and_officer(app, client, login_as):
    officer = factories.UserFactory(role=Role.officer)
    signed_in = login_as(officer, on=app.test_client())
    responses = missing = 0
    for route in get_routes(app):
        for who in (client, signed_in):
            response = who.get(route)
            responses += 1
            absent = REQUIRED_HEADERS - set(response.headers.keys())
            missing += len(absent)
            assert not absent, f"{route}: missing {absent}"
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp
            assert "frame-ancestors 'none'" in csp
            assert "object-src 'none'" in csp
            assert re.search(r"script-src 'self' 'nonce-[^']+'", csp)
            assert "unsafe-inline" not in csp
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            title = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
            if title:  # a stray block boundary once put a whole form inside <title>
                assert "<" not in title.group(1), f"{route}: markup inside <title>"
    print(f"headers: responses={responses} missing={missing}")


def test_pages_have_no_inline_script_without_the_nonce(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag


def test_signed_in_pages_are_never_cached(app, login_as):
    client = login_as(factories.UserFactory(role=Role.reviewer), on=app.test_client())
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client, login_as, db):
    from engage.reference.models import Topic

    admin = factories.UserFactory(role=Role.admin)
    login_as(admin)
    response = client.post("/admin/topics/new", data={"name": "Falls"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert db.session.query(Topic).count() == 0


def test_post_with_another_sessions_csrf_token_is_refused(app, client, login_as, db):
    from engage.reference.models import Topic

    admin = factories.UserFactory(role=Role.admin)
    other = login_as(admin, on=app.test_client())
    page = other.get("/admin/topics/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login_as(admin)
    response = client.post("/admin/topics/new", data={"name": "Falls", "csrf_token": token})
    assert response.status_code == 400
    assert db.session.query(Topic).count() == 0


def test_api_errors_are_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Page not found", "status": 404}


def test_not_found_page_is_friendly_html(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_method_not_allowed_says_which_methods_are(client):
    response = client.get("/account/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_unexpected_error_shows_the_500_page_without_details(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in body
    assert "secret internals" not in body


def test_oversized_body_is_refused_with_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/account/sign-in", data={"email": "x" * 5000})
    assert response.status_code == 413


def test_a_form_post_with_thousands_of_fields_is_refused_with_413(db, post_form):
    fields = {"email": "someone@example.org", "password": "wrong-password-1"}
    response = post_form("/account/sign-in", {**fields, **{f"field{n}": "x" for n in range(2000)}})
    assert response.status_code == 413
    assert "The file or form you sent is too large" in response.get_data(as_text=True)
    assert post_form("/account/sign-in", fields).status_code == 200  # an ordinary post is unaffected


def test_session_cookie_is_httponly_and_lax(app, post_form, client):
    factories.UserFactory(email="someone@example.org")
    response = post_form("/account/sign-in", {"email": "someone@example.org", "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_with_the_rate_limit_store_down_sign_in_works_and_is_still_limited(make_app):
    # Nothing listens on port 9 of the loopback: the Redis the limiter was told to use is "down".
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0", SIGN_IN_RATE_LIMIT="3/minute")
    with app.app_context():
        factories.UserFactory(email="someone@example.org")
        _db.session.commit()
    statuses = []
    for password in ["wrong-password-1", factories.PASSWORD, "wrong-password-2", "wrong-password-3"]:
        client = app.test_client()  # a new browser each time, from the same address
        token = csrf_token_from(client.get("/account/sign-in"))
        data = {"csrf_token": token, "email": "someone@example.org", "password": password}
        statuses.append(client.post("/account/sign-in", data=data).status_code)
    # A wrong password shows the form again, the right one signs in, and the limit still holds
    # (kept in each worker's memory while the store is down).
    assert statuses == [200, 302, 200, 429]
