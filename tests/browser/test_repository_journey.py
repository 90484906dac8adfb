"""The shared repository, end to end in the browser (issue 4's "done when").

An officer logs a public record with an attachment; a reviewer finds it by searching the
attachment's words with filters, comments, flags it and marks it reviewed; the officer resolves
the flag and adds a quote to a theme; once the theme's response is published, a resident sees
the quote on "You said, we did".
"""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

TITLE = "Aylesford carers' café: coming home from hospital"
QUOTE = "Nobody rang us before Dad came home, so the house was cold."


def test_officer_logs_reviewer_searches_reviews_and_the_quote_reaches_you_said_we_did(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    officer.goto("/records/new")
    officer.get_by_label("Title").fill(TITLE)
    officer.get_by_label("Type of activity").select_option(label="Drop-in")
    officer.get_by_label("Date", exact=True).fill("2026-11-05")
    officer.get_by_label("Kent and Medway › West Kent", exact=True).check()
    officer.get_by_label("Discharge from hospital").check()
    officer.get_by_label("What we heard").fill("Carers asked for a call the day before discharge.")
    officer.get_by_label("Quotes from residents (optional)").fill(QUOTE)
    officer.get_by_label("Public: may appear on public pages").check()
    officer.locator("input[type=file][name=attachments]").set_input_files(
        [{"name": "cafe notes.txt", "mimeType": "text/plain", "buffer": b"Sign-up sheet: eleven carers, one kettle\n"}]
    )
    officer.get_by_role("button", name="Save record").click()
    expect(officer.get_by_text("Record saved.")).to_be_visible()
    expect(officer.get_by_role("link", name="cafe notes.txt")).to_be_visible()

    reviewer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reviewer, "reviewer@example.org")
    # Straight to the list: a header link clicked while the page loads can be folded into "More"
    # under the pointer, and the click then goes nowhere.
    reviewer.goto("/records/")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Engagement records")
    reviewer.get_by_label("Search titles, what we heard, quotes, actions and files").fill("kettle")
    reviewer.get_by_label("Type").select_option(label="Drop-in")
    reviewer.get_by_label("Place").select_option(label="Kent and Medway › West Kent")
    reviewer.get_by_role("button", name="Apply filters").click()
    assert "q=kettle" in reviewer.url and "kind=drop_in" in reviewer.url
    expect(reviewer.locator(".engage-snippet mark")).to_have_text("kettle")
    facets = reviewer.locator(".engage-facets[data-facet=topic]")
    expect(facets).to_contain_text("Discharge from hospital")
    assert_accessible(reviewer, "records-search")
    reviewer.get_by_role("link", name=TITLE).click()
    reviewer.get_by_label("Add a comment").fill("The café could host the discharge team next month.")
    reviewer.get_by_role("button", name="Add comment").click()
    expect(reviewer.get_by_text("Comment added.")).to_be_visible()
    reviewer.get_by_text("Flag this record").click()
    reviewer.get_by_label("Needs a response").check()
    reviewer.get_by_role("button", name="Raise flag").click()
    expect(reviewer.get_by_text("Flag raised.")).to_be_visible()
    reviewer.get_by_role("button", name="Mark as reviewed").click()
    expect(reviewer.get_by_text("Marked as reviewed.")).to_be_visible()

    officer.goto("/records/flags")
    officer.get_by_role("link", name=TITLE).click()
    officer.get_by_label("What was done").fill("Discharge team to ring carers the day before")
    officer.get_by_role("button", name="Resolve flag").click()
    expect(officer.get_by_text("Flag resolved.")).to_be_visible()
    record_url = officer.url
    officer.get_by_role("link", name="Create a theme").click()
    officer.get_by_label("Title", exact=True).fill("Carers at discharge")
    officer.get_by_label("What we did (optional until you publish)").fill(
        "Discharge teams now ring the carer the day before anyone goes home."
    )
    officer.get_by_role("button", name="Save theme").click()
    officer.goto(record_url)
    officer.get_by_text("Add to theme").first.click()
    officer.locator(".engage-add-to-theme select").first.select_option(label="Carers at discharge")
    officer.get_by_role("button", name="Add quote to theme").first.click()
    officer.goto("/themes/")
    officer.get_by_role("link", name="Carers at discharge").click()
    expect(officer.get_by_text(QUOTE)).to_be_visible()

    resident = browser.new_context(base_url=live_server.url).new_page()
    resident.goto("/you-said-we-did")
    expect(resident.get_by_text("Carers at discharge")).to_have_count(0)

    officer.get_by_role("button", name="Publish response").click()
    expect(officer.get_by_text("Response published")).to_be_visible()
    resident.reload()
    expect(resident.get_by_role("heading", name="Carers at discharge")).to_be_visible()
    expect(resident.get_by_text(QUOTE)).to_be_visible()
    expect(resident.get_by_text("Discharge teams now ring the carer the day before")).to_be_visible()
    assert_accessible(resident, "you-said-we-did-published")
