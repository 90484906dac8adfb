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
