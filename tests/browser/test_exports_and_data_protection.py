"""Response exports and subject access requests in the browser, without JavaScript (axe on each page)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

OPEN = "Urgent treatment centres in West Kent"


@pytest.mark.timeout(240)  # three axe runs on a shared, busy machine
def test_officer_reaches_the_export_page_from_the_consultation(page_without_js):
    page = page_without_js
    sign_in(page, "officer@example.org")
    page.goto("/consultations/manage/")
    page.get_by_role("link", name=OPEN).first.click()
    page.get_by_role("link", name="Export responses (CSV or Excel)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export responses")
    assert_accessible(page, "response-exports")
    page.get_by_role("link", name="Mark text answers that identify someone").click()
    page.get_by_label("Response reference").fill("NOPE-0000")
    page.get_by_role("button", name="Find the response").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("No response to this consultation has that reference")
    assert_accessible(page, "response-exports-identifying-error")


@pytest.mark.timeout(240)
def test_administrator_searches_an_email_address(page_without_js):
    page = page_without_js
    sign_in(page, "admin@example.org")
    page.goto("/admin/data-protection")
    assert_accessible(page, "data-protection")
    page.get_by_label("Email address").fill("jo@@example")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    assert_accessible(page, "data-protection-error")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What we hold about officer@example.org")
    assert_accessible(page, "data-protection-results")
