"""Attachments in the browser: an officer logs a record with a file, then opens it from the record page."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.records import samples


def test_officer_attaches_a_file_when_logging_a_record(browser, live_server):
    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, "officer@example.org")
    page.goto("/records/new")
    page.get_by_label("Title").fill("Snodland library drop-in")
    page.get_by_label("Type of activity").select_option(label="Drop-in")
    page.get_by_label("Date", exact=True).fill("2026-11-02")
    page.locator("input[type=file][name=attachments]").set_input_files(
        [{"name": "Sign-in sheet.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()}]
    )
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Record saved.")).to_be_visible()
    link = page.get_by_role("link", name="Sign-in sheet.pdf")
    expect(link).to_be_visible()
    assert_accessible(page, "records-detail-attachments")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == samples.pdf()

    page.locator("input[type=file][name=files]").set_input_files(
        [{"name": "poster.exe.pdf", "mimeType": "application/pdf", "buffer": samples.EXE}]
    )
    page.get_by_role("button", name="Attach files").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("poster.exe.pdf: The selected file must be a PDF")
    assert_accessible(page, "records-detail-attachment-error")
