"""Engagement records in the browser: an officer logs one, a reviewer reviews it, the officer resolves a flag."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_record_is_logged_reviewed_flagged_and_resolved(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    officer.goto("/records/")  # not the header link: see test_repository_journey
    expect(officer.get_by_role("heading", level=1)).to_have_text("Engagement records")
    assert_accessible(officer, "records-list")
    officer.get_by_role("link", name="Log engagement").click()
    officer.get_by_role("button", name="Save record").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(officer, "records-form-error")
    officer.get_by_label("Title").fill("Larkfield carers' coffee morning")
    officer.get_by_label("Type of activity").select_option(label="Drop-in")
    officer.get_by_label("Date", exact=True).fill("2026-11-03")
    officer.get_by_label("Kent and Medway › West Kent", exact=True).check()
    officer.get_by_label("What we heard").fill("Carers want **respite planned ahead**, not only in a crisis.")
    officer.get_by_label("Quotes from residents (optional)").fill("I haven't had a night off in a year.")
    officer.get_by_label("Residents who took part").fill("14")
    officer.get_by_role("button", name="Save record").click()
    expect(officer.get_by_text("Record saved.")).to_be_visible()
    expect(officer.locator(".engage-prose strong")).to_have_text("respite planned ahead")
    assert_accessible(officer, "records-detail")
    record_url = officer.url

    reviewer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reviewer, "reviewer@example.org")
    reviewer.goto("/records/review-queue")
    assert_accessible(reviewer, "records-review-queue")
    reviewer.get_by_role("link", name="Larkfield carers' coffee morning").click()
    reviewer.get_by_label("Add a comment").fill("Could the carers' centre follow this up?")
    reviewer.get_by_role("button", name="Add comment").click()
    expect(reviewer.get_by_text("Comment added.")).to_be_visible()
    reviewer.get_by_text("Flag this record").click()
    reviewer.get_by_label("Needs a response").check()
    reviewer.get_by_role("button", name="Raise flag").click()
    expect(reviewer.get_by_text("Flag raised.")).to_be_visible()
    reviewer.get_by_role("button", name="Mark as reviewed").click()
    expect(reviewer.get_by_text("Marked as reviewed.")).to_be_visible()
    expect(reviewer.get_by_role("link", name="Larkfield carers' coffee morning")).to_have_count(0)

    officer.goto("/records/flags")
    assert_accessible(officer, "records-flags")
    officer.get_by_role("link", name="Larkfield carers' coffee morning").click()
    officer.get_by_label("What was done").fill("Passed to Involve Kent's carers' service")
    officer.get_by_role("button", name="Resolve flag").click()
    expect(officer.get_by_text("Flag resolved.")).to_be_visible()
    expect(officer.get_by_text("Passed to Involve Kent's carers' service")).to_be_visible()
    assert officer.url.startswith(record_url)
