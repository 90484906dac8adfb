"""The vendored NHS.UK frontend matches the version the code and the Jinja macros expect."""

from importlib.metadata import version
from pathlib import Path

from engage import NHSUK_FRONTEND_VERSION

STATIC = Path(__file__).resolve().parent.parent / "engage" / "static"

#: nhsuk-frontend-jinja release -> the nhsuk-frontend release it ports (its README's table).
JINJA_PAIRS = {"0.10.2": "10.6.1", "0.10.0": "10.6.0", "0.9.1": "10.5.2"}


def test_vendored_nhsuk_frontend_is_the_pinned_version():
    assert (STATIC / "nhsuk" / "VERSION").read_text().strip() == NHSUK_FRONTEND_VERSION


def test_nhsuk_frontend_jinja_pairs_with_the_vendored_frontend():
    assert JINJA_PAIRS[version("nhsuk-frontend-jinja")] == NHSUK_FRONTEND_VERSION


def test_vendored_assets_are_served(client):
    for path in (
        "/assets/nhsuk/nhsuk-frontend.min.css",
        "/assets/nhsuk/nhsuk-frontend.min.js",
        "/assets/images/favicon.svg",
        "/assets/js/engage.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
