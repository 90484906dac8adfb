"""An officer keys in a postal response, reads it and codes its written answer to a theme, in the browser;
axe runs on every page (part of issue 6's "done when")."""

from datetime import timedelta

from playwright.sync_api import expect

from engage.dates import now_utc, to_london
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_response_journey import make_consultation


def test_an_officer_keys_in_a_postal_response_and_codes_it(page, live_server):
    consultation_id, _slug = make_consultation(live_server)
    sign_in(page, "officer@example.org")
    page.goto(f"/consultations/manage/{consultation_id}")
    page.get_by_role("link", name="Key in a response that came by post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key in a response")
    assert_accessible(page, "analysis-key")

    page.get_by_role("button", name="Save the response").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select how the response arrived")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select an answer to: Which urgent")
    assert page.title().startswith("Error: ")
    assert_accessible(page, "analysis-key-errors")

    page.get_by_role("radio", name="Post", exact=True).check()
    received = (to_london(now_utc()) - timedelta(days=1)).date().isoformat()
    page.get_by_label("Date received").fill(received)
    page.get_by_role("radio", name="As an individual").check()
    page.get_by_label("Yes, publish it without my name").check()
    page.get_by_role("radio", name="Tunbridge Wells").check()
    page.get_by_role("group", name="Should centres open until midnight?").get_by_label("Yes").check()
    page.get_by_label("Anything else you want to tell us?").fill("The buses stop at six, so I drive at night.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Response ")
    expect(page.get_by_text("The buses stop at six, so I drive at night.")).to_be_visible()
    assert_accessible(page, "analysis-response")

    page.get_by_role("link", name="Code this answer to a theme").click()
    page.get_by_label("Theme").select_option(label="Access to urgent care")
    page.get_by_label("Passage (optional)").fill("The buses stop at six")
    page.get_by_label("Pick this as a quote").check()
    assert_accessible(page, "analysis-code")
    page.get_by_role("button", name="Save the code").click()
    expect(page.get_by_text("Coded to “Access to urgent care”.")).to_be_visible()

    page.get_by_role("link", name="Responses", exact=True).first.click()
    expect(page.get_by_text("100% analysed")).to_be_visible()
    assert_accessible(page, "analysis-list")
    page.get_by_role("link", name="Themes coded from written answers, and quotes").click()
    expect(page.get_by_role("cell", name="Access to urgent care")).to_be_visible()
    expect(page.get_by_text("“The buses stop at six”")).to_be_visible()
    assert_accessible(page, "analysis-themes")
