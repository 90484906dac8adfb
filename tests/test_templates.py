"""Every template compiles (warehouse test_render_templates)."""

import re
from pathlib import Path

import pytest

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "engage" / "templates"
TEMPLATES = sorted(str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*.html"))


def test_there_are_templates():
    assert "base.html" in TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)


def test_header_is_drawn_for_whoever_is_looking(app, client, login_as):
    """The anonymous header is kept between pages; a signed-in officer still gets their own."""
    from tests.factories import UserFactory

    officer = UserFactory(name="Officer Olu")
    anonymous = client.get("/").get_data(as_text=True)
    assert "Staff sign in" in anonymous
    second = client.get("/").get_data(as_text=True)
    assert "Staff sign in" in second
    nonce = re.compile(r'nonce="([^"]+)"')
    assert nonce.findall(second) != nonce.findall(anonymous)  # a fresh CSP nonce on every page

    other = app.test_client()
    login_as(officer, on=other)
    signed_in = other.get("/").get_data(as_text=True)
    assert "Officer Olu" in signed_in
    assert "Sign out" in signed_in
    assert "Staff sign in" not in signed_in
    assert "Consultations" in signed_in  # the officer's navigation

    again = client.get("/").get_data(as_text=True)
    assert "Staff sign in" in again
    assert "Officer Olu" not in again
    assert "Sign out" not in again


def test_a_kept_signed_in_header_carries_each_session_its_own_name_and_sign_out_token(app, login_as):
    """The signed-in header is drawn once per account and navigation, its sign-out form per request."""
    from tests.factories import UserFactory

    first, second = app.test_client(), app.test_client()
    login_as(UserFactory(name="Officer Olu"), on=first)
    login_as(UserFactory(name="Officer Ada"), on=second)
    pages = [c.get("/").get_data(as_text=True) for c in (first, second, first, second)]
    assert "Officer Olu" in pages[2] and "Officer Ada" not in pages[2]
    assert "Officer Ada" in pages[3] and "Officer Olu" not in pages[3]
    assert all("engage-slot-" not in page for page in pages)
    token = re.compile(r'nhsuk-header__account-form.*?name="csrf_token" type="hidden" value="([^"]+)"', re.S)
    first_token, second_token = token.search(pages[2]).group(1), token.search(pages[3]).group(1)
    assert first_token != second_token
    assert second.post("/account/sign-out", data={"csrf_token": first_token}).status_code == 400
    assert first.post("/account/sign-out", data={"csrf_token": first_token}).status_code == 302
    assert "Staff sign in" in first.get("/").get_data(as_text=True)
