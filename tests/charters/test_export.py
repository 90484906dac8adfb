"""Exports: a version as a Markdown download with a safe filename, and a printable page."""

from engage.charters.models import CharterAdoption, CharterApproval, CharterStage
from engage.dates import now_utc
from engage.extensions import db
from tests import factories
from tests.pages import main_content, plain, text_of


def test_a_version_downloads_as_markdown_with_a_safe_filename(app, client, login_as, reviewer):
    charter = factories.CharterFactory(slug="west-kent-charter")
    login_as(reviewer)
    response = client.get(f"/charters/manage/{charter.id}/versions/1/export.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="west-kent-charter-version-1.md"'
    text = text_of(response)
    assert text.startswith("# Patient involvement charter")
    assert "## Our promise\n\nWe will **listen** to patients." in text
    assert "## How to take part" in text and "Version 1, saved" in text


def test_the_public_download_is_the_adopted_version_with_its_approvals(app, client):
    charter = factories.CharterFactory(slug="adopted-charter", stage=CharterStage.adopted)
    db.session.add(CharterApproval(charter=charter, version=charter.latest, body_name="West Kent HCP Board"))
    db.session.add(CharterAdoption(charter=charter, version=charter.latest, adopted_at=now_utc()))
    response = client.get("/charters/adopted-charter/charter.md")
    assert response.status_code == 200 and "approved by West Kent HCP Board" in text_of(response)
    assert 'filename="adopted-charter-version-1.md"' in response.headers["Content-Disposition"]


def test_the_printable_page_uses_the_print_stylesheet_and_escapes_text(app, client, login_as, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    response = client.get(f"/charters/manage/{charter.id}/versions/1/print")
    body = text_of(response)
    assert response.status_code == 200 and "css/charters.css" in body
    assert "Draft: not adopted" in plain(main_content(response))
    assert "<script>alert('x')</script>" not in body
    css = client.get("/assets/css/charters.css")
    assert b"@media print" in css.data
    css.close()


def test_an_unknown_version_is_not_found(app, client, login_as, reviewer):
    charter = factories.CharterFactory()
    login_as(reviewer)
    for path in ("versions/9", "versions/9/export.md", "versions/9/print"):
        assert client.get(f"/charters/manage/{charter.id}/{path}").status_code == 404
