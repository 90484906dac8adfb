"""Every template compiles (warehouse test_render_templates)."""

from pathlib import Path

import pytest

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "engage" / "templates"
TEMPLATES = sorted(str(p.relative_to(TEMPLATE_DIR)) for p in TEMPLATE_DIR.rglob("*.html"))


def test_there_are_templates():
    assert "base.html" in TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(app, name):
    app.jinja_env.get_template(name)
