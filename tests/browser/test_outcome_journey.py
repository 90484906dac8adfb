"""Issue 6's "done when" journey: an officer keys in a postal response, codes its free text to a theme, reads
the analysis, exports CSV and XLSX, publishes the response with a redaction, writes the outcome and publishes
it; a resident reads the public outcome page. axe runs on every page visited.

(The representativeness table is added to this journey where that page is built.)"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engage.dates import now_utc, to_london
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_response_journey import close_now, make_consultation

THEME = "Access to urgent care"
ANSWER = "Ask for Nurse Jo. The buses stop at six, so I drive at night."


@pytest.mark.timeout(600)  # many axe runs on a shared, busy machine
def test_from_a_postal_response_to_the_published_outcome(page, browser, live_server):
    consultation_id, slug = make_consultation(live_server)
    sign_in(page, "officer@example.org")

    # Key in a postal response.
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Key in a response that came by post").click()
    page.get_by_role("radio", name="Post", exact=True).check()
    page.get_by_label("Date received").fill((to_london(now_utc()) - timedelta(days=1)).date().isoformat())
    page.get_by_role("radio", name="As an individual").check()
    page.get_by_label("Name (optional)").fill("Pat Jones")
    page.get_by_label("Yes, publish it without my name").check()
    page.get_by_role("radio", name="Tunbridge Wells").check()
    page.get_by_role("group", name="Should centres open until midnight?").get_by_label("Yes").check()
    page.get_by_label("Anything else you want to tell us?").fill(ANSWER)
    assert_accessible(page, "outcome-journey-key")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Response ")
    assert_accessible(page, "outcome-journey-response")

    # Code its free text to a theme, as a quote.
    page.get_by_role("link", name="Code this answer to a theme").click()
    page.get_by_label("Theme").select_option(label=THEME)
    page.get_by_label("Passage (optional)").fill("The buses stop at six")
    page.get_by_label("Pick this as a quote").check()
    assert_accessible(page, "outcome-journey-code")
    page.get_by_role("button", name="Save the code").click()
    expect(page.get_by_text(f"Coded to “{THEME}”.")).to_be_visible()
    response_url = page.url

    # Close, start the analysis, and read it.
    close_now(live_server, consultation_id)
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("button", name="Start analysing responses").click()
    expect(page.get_by_text("Marked as analysing responses.")).to_be_visible()
    assert_accessible(page, "outcome-journey-consultation")
    page.get_by_role("link", name="Read and analyse the responses").click()
    expect(page.get_by_text("100% analysed")).to_be_visible()
    assert_accessible(page, "outcome-journey-responses")
    page.get_by_role("link", name="Themes coded from written answers, and quotes").click()
    expect(page.get_by_role("cell", name=THEME)).to_be_visible()
    assert_accessible(page, "outcome-journey-themes")

    # Export CSV and XLSX.
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Export responses (CSV or Excel)").click()
    assert_accessible(page, "outcome-journey-export")
    for label, suffix in (("CSV", ".csv"), ("Excel (XLSX)", ".xlsx")):
        page.get_by_role("radio", name=label, exact=True).check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Export responses").click()
        assert download.value.suggested_filename.endswith(suffix)

    # Publish the response, with the nurse's name redacted.
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Publish responses (moderate and redact)").click()
    assert_accessible(page, "outcome-journey-publish-queue")
    page.locator("table").get_by_role("link").first.click()
    assert_accessible(page, "outcome-journey-publish-review")
    page.get_by_role("link", name="Redact part of the answer to “Anything else you want to tell us?”").click()
    page.get_by_label("Passage to redact (optional)").fill("Nurse Jo")
    page.get_by_role("button", name="Redact").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter why this passage is redacted")
    assert_accessible(page, "outcome-journey-redact-error")
    page.get_by_label("Why it is redacted").fill("Names a member of staff")
    page.get_by_role("button", name="Redact").click()
    expect(page.get_by_text("Ask for [redacted]. The buses stop at six")).to_be_visible()
    page.get_by_role("button", name="Publish this response").click()
    expect(page.get_by_text("is published on the consultation's public page")).to_be_visible()

    # Write the outcome: a theme, a decision, the summary; publish.
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Publish the outcome").click()
    assert_accessible(page, "outcome-journey-outcome")
    page.get_by_role("link", name="Add a theme to the outcome").click()
    page.get_by_label("Theme").select_option(label=THEME)
    page.get_by_label("What people said").fill("Getting there after dark is hard: the buses stop early.")
    assert_accessible(page, "outcome-journey-add-theme")
    page.get_by_role("button", name="Add theme").click()
    page.get_by_role("link", name=f"Record a decision about {THEME}").click()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter who owns this decision")
    assert_accessible(page, "outcome-journey-decision-errors")
    page.get_by_label("What was decided").fill("Ask the bus company for a later service")
    page.get_by_label("Owner").fill("Kent County Council transport team")
    page.get_by_label("Due date").fill("2027-03-31")
    page.get_by_role("radio", name="In progress").check()
    page.get_by_label("Progress (optional)").fill("First meeting held.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    page.get_by_label("Summary of the outcome").fill("We will keep **both** centres open until 10pm.")
    page.get_by_role("button", name="Publish the outcome").click()
    expect(page.get_by_text("Outcome published.")).to_be_visible()
    page.goto(f"/consultations/manage/{consultation_id}/record")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "outcome-journey-record")

    # A resident reads the public outcome page.
    context = browser.new_context(base_url=live_server.url)
    resident = context.new_page()
    try:
        resident.goto(f"/consultations/{slug}")
        assert_accessible(resident, "outcome-journey-public-consultation")
        resident.get_by_role("link", name="Read the full outcome").click()
        expect(resident.get_by_role("heading", level=1)).to_have_text(resident.title().split(" – ")[0][9:])
        main = resident.locator("main")
        expect(main).to_contain_text("We received 1 response")
        expect(main).to_contain_text("Ask the bus company for a later service")
        expect(main).to_contain_text("In progress")
        expect(main).to_contain_text("“The buses stop at six”")
        expect(main).not_to_contain_text("Pat Jones")
        expect(main).not_to_contain_text("Nurse Jo")
        expect(resident.locator("main strong", has_text="both")).to_be_visible()
        assert_accessible(resident, "outcome-journey-public-outcome")
        resident.get_by_role("link", name="Read the 1 response published").click()
        expect(resident.locator("main")).to_contain_text("Ask for [redacted]. The buses stop at six")
        expect(resident.locator("main")).not_to_contain_text("Pat Jones")
        assert_accessible(resident, "outcome-journey-published-responses")
    finally:
        context.close()
    assert response_url
