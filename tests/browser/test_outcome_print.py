"""The public outcome page prints as a clean report: no header, navigation, breadcrumbs or footer; link
addresses printed; charts and tables never split across pages. And it works without JavaScript."""

from playwright.sync_api import expect

from engage.demo import OUTCOME_SLUG
from tests.browser.conftest import assert_accessible


def test_the_outcome_page_prints_as_a_clean_report(page_without_js):
    page = page_without_js
    page.goto(f"/consultations/{OUTCOME_SLUG}/outcome")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stroke rehabilitation at home in West Kent")
    assert_accessible(page, "outcome-public-demo")
    expect(page.locator("header.nhsuk-header")).to_be_visible()
    page.emulate_media(media="print")
    for chrome in ("header.nhsuk-header", "footer", "nav.nhsuk-breadcrumb"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()
    style = page.locator(".engage-chart-pair").first.evaluate("e => getComputedStyle(e).breakInside")
    assert style == "avoid"
    after = page.locator(".engage-report a[href^='/']").first.evaluate("e => getComputedStyle(e, '::after').content")
    assert "/consultations/" in after
