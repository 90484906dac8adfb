"""Consultations in the browser: the public list and page, a format request, and an officer's form (axe on each)."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_resident_finds_a_consultation_downloads_an_event_and_asks_for_large_print(page):
    page.goto("/consultations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    assert_accessible(page, "consultations-list")
    page.get_by_label("Topic").select_option(label="Urgent care")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Creating an NHS that helps you")).to_have_count(0)
    page.get_by_role("link", name="Urgent treatment centres in West Kent").click()
    expect(page.get_by_text("Closes in ", exact=False).first).to_be_visible()
    expect(page.get_by_text("By post")).to_be_visible()
    assert_accessible(page, "consultation-open")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your calendar").click()
    assert download.value.suggested_filename.endswith(".ics")

    page.get_by_role("link", name="Ask for another format").click()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your name")
    assert_accessible(page, "consultation-format-request-error")
    page.get_by_label("Your name").fill("Sam Resident")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("We have your request")).to_be_visible()


def test_the_closed_2019_consultation_shows_its_real_deadline(page_without_js):
    page_without_js.goto("/consultations/live-your-best-life-dartford-gravesham-swanley-2019")
    expect(page_without_js.get_by_text("Closed on Friday 16 August 2019 at 11:59pm").first).to_be_visible()


def test_officer_sees_the_request_and_a_holiday_warning(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    officer.get_by_role("link", name="Consultations").first.click()
    assert_accessible(officer, "consultations-manage-list")
    officer.get_by_role("link", name="Creating an NHS that helps you").click()
    expect(officer.get_by_text("Holidays in the open period")).to_be_visible()
    assert_accessible(officer, "consultations-manage-detail")
    officer.get_by_role("link", name="Consultations").first.click()
    officer.get_by_role("link", name="Create a consultation").click()
    officer.get_by_role("button", name="Save consultation").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(officer, "consultations-form-error")
