"""An officer reads the demo consultation's analysis, cross-tabulates a question (without JavaScript too),
the equality summary and the representativeness table; axe runs on every page, on a phone as well."""

from playwright.sync_api import expect
from sqlalchemy import select

from engage.consultations.models import Consultation
from engage.extensions import db
from tests.browser.conftest import assert_accessible, sign_in


def _demo_id(live_server):
    with live_server.app.app_context():
        return db.session.scalar(
            select(Consultation.id).where(Consultation.slug == "urgent-treatment-centres-west-kent")
        )


def test_an_officer_reads_the_analysis_and_representativeness(page, live_server):
    consultation_id = _demo_id(live_server)
    sign_in(page, "officer@example.org")
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Analysis and representativeness of the responses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analysis of closed questions")
    expect(page.locator("svg.engage-chart").first).to_be_visible()
    assert_accessible(page, "breakdowns-questions")

    page.get_by_label("Question").select_option(label="Which option do you prefer?")
    page.get_by_label("Break down by").select_option(label="Age band")
    page.get_by_role("button", name="Show the cross-tabulation").click()
    expect(page.get_by_role("heading", level=2, name="Which option do you prefer?, by age band")).to_be_visible()
    assert "by=age" in page.url
    expect(page.get_by_role("cell", name="Not shown").first).to_be_visible()
    assert_accessible(page, "breakdowns-cross-tab")

    page.get_by_role("link", name="Equality monitoring summary").click()
    expect(page.get_by_role("heading", level=2, name="What is your ethnic group?")).to_be_visible()
    assert_accessible(page, "breakdowns-equality")

    page.get_by_role("link", name="Representativeness").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has responded, compared with who lives there")
    expect(page.get_by_text("Under-represented: ").first).to_be_visible()
    assert_accessible(page, "breakdowns-representativeness")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/consultations/manage/{consultation_id}/analysis")
    assert_accessible(page, "breakdowns-questions-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_the_cross_tab_form_works_without_javascript(page_without_js, live_server):
    page = page_without_js
    consultation_id = _demo_id(live_server)
    sign_in(page, "officer@example.org")
    page.goto(f"/consultations/manage/{consultation_id}/analysis/cross-tab")
    page.get_by_label("Question").select_option(label="Which option do you prefer?")
    page.get_by_label("Break down by").select_option(label="Channel")
    page.get_by_role("button", name="Show the cross-tabulation").click()
    expect(page.get_by_role("row", name="Post").first).to_be_visible()
    assert_accessible(page, "breakdowns-cross-tab-nojs")
