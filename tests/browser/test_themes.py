"""Themes, actions and "You said, we did" in the browser: the pages pass axe, with and without JavaScript."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_you_said_we_did_is_public_and_accessible(page):
    page.goto("/")
    page.locator("footer").get_by_role("link", name="You said, we did").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    expect(page.get_by_role("heading", name="Access to urgent care", level=2)).to_be_visible()
    expect(page.get_by_text("Discharge support")).to_have_count(0)
    assert_accessible(page, "you-said-we-did")


def test_officer_theme_pages_record_actions_and_dashboard_charts_are_accessible(page):
    sign_in(page, "officer@example.org")
    expect(page.get_by_role("heading", name="Overdue actions")).to_be_visible()
    expect(page.get_by_role("img", name="Records by month")).to_be_visible()
    page.get_by_role("link", name="Themes", exact=True).first.click()
    assert_accessible(page, "themes")
    page.get_by_role("link", name="Discharge support").click()
    expect(page.get_by_role("button", name="Publish response")).to_be_visible()
    expect(page.get_by_role("img", name="Evidence for Discharge support by month")).to_be_visible()
    assert_accessible(page, "theme")
    page.get_by_role("link", name="Hospital discharge: feedback from patients and carers").click()
    expect(page.get_by_text("Overdue").first).to_be_visible()
    page.get_by_text("Add to theme").first.click()
    expect(page.get_by_role("button", name="Add quote to theme")).to_be_visible()
    assert_accessible(page, "record-with-actions")


def test_theme_page_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "reviewer@example.org")
    page.goto("/themes/")
    page.get_by_role("link", name="Access to urgent care").click()
    expect(page.get_by_role("heading", name="What we did")).to_be_visible()
    expect(page.get_by_role("button", name="Publish response")).to_have_count(0)
    context.close()
