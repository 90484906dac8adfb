"""Consultations in the browser: the public list and page, a format request, and an officer's form (axe on each)."""

from pathlib import Path

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


def test_resident_downloads_the_current_document_and_an_earlier_version_from_the_history(page):
    page.goto("/consultations/urgent-treatment-centres-west-kent")
    expect(page.get_by_role("heading", name="Document history")).to_be_visible()
    expect(page.get_by_text("corrected the bus travel time from Sevenoaks").first).to_be_visible()
    with page.expect_download() as current:
        page.get_by_role("link", name="Summary of the options").click()
    assert current.value.suggested_filename == "UTC summary.txt"
    with page.expect_download() as first:
        page.get_by_role("link", name="Version 1: UTC summary.txt").click()
    assert "40 minutes" in Path(first.value.path()).read_text(encoding="utf-8")


def test_officer_sees_a_published_document_can_only_be_replaced_or_withdrawn(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    officer.goto("/consultations/manage/")
    officer.get_by_role("link", name="Urgent treatment centres in West Kent").click()
    expect(officer.get_by_role("link", name="Replace Easy read version with a new version")).to_be_visible()
    expect(officer.get_by_role("button", name="Remove document")).to_have_count(0)
    officer.get_by_role("link", name="Replace Easy read version with a new version").click()
    officer.get_by_role("button", name="Publish new version").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Upload a file or give the web address")
    assert_accessible(officer, "consultation-document-replace-error")
