"""The charter journey in the browser: an officer drafts, a reviewer comments, the officer revises (the
comment shows as outdated) and compares, opens it for comment, a resident comments, the officer moderates,
records approval and adopts; the public page shows the adopted version. Axe runs on each page."""

from datetime import timedelta

from playwright.sync_api import expect

from engage.dates import now_utc, to_london
from tests.browser.conftest import assert_accessible, sign_in


def section(page, heading):
    return page.locator("section.engage-charter-section", has=page.get_by_role("heading", name=heading, exact=True))


def test_a_charter_from_first_draft_to_adoption(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    # Straight to the list: with six header items the header may fold "Charters" into "More".
    officer.goto("/charters/manage/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Charters")
    assert_accessible(officer, "charters-manage-list")
    officer.get_by_role("link", name="Start a charter").click()
    officer.get_by_role("button", name="Start charter").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(officer, "charters-new-error")
    officer.get_by_label("Title").fill("Sevenoaks easy read involvement charter")
    officer.get_by_label("Web address").fill("sevenoaks-easy-read-charter")
    officer.get_by_label("Purpose").fill("How we involve people in Sevenoaks, in easy read.")
    officer.get_by_label("Heading of the first section").fill("What we promise")
    officer.get_by_label("Text of the first section").fill("We will listen to you.")
    officer.get_by_role("button", name="Start charter").click()
    expect(officer.get_by_text("version 1 saved")).to_be_visible()
    assert_accessible(officer, "charters-manage-detail")
    detail_url = officer.url

    reviewer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(reviewer, "reviewer@example.org")
    reviewer.goto(detail_url)
    promise = section(reviewer, "What we promise")
    promise.get_by_label("Comment on “What we promise”").fill("Say how you will listen.")
    promise.get_by_role("button", name="Add comment").click()
    expect(reviewer.get_by_text("Comment added.")).to_be_visible()

    officer.get_by_role("link", name="Edit the sections").click()
    assert_accessible(officer, "charters-edit")
    officer.locator("#sections-0-body").fill("We will listen to you at meetings and online.")
    officer.locator("#sections-1-heading").fill("How to tell us")
    officer.locator("#sections-1-body").fill("Phone, email or come to a meeting.")
    officer.get_by_label("What did you change?").fill("Said how we listen; added how to tell us")
    officer.get_by_role("button", name="Save as a new version").click()
    expect(officer.get_by_text("Version 2 saved.")).to_be_visible()
    expect(section(officer, "What we promise").get_by_text("Outdated", exact=True)).to_be_visible()

    officer.get_by_role("button", name="Compare versions").click()
    expect(officer.locator(".engage-diff ins").first).to_be_visible()
    expect(officer.get_by_text("Section added")).to_be_visible()
    assert_accessible(officer, "charters-compare")

    officer.goto(detail_url)
    officer.get_by_role("link", name="Open for comment by residents").click()
    # London's date 21 days on (21 x 24 hours across a clock change is another date near midnight).
    closes = to_london(now_utc()).date() + timedelta(days=21)
    officer.get_by_label("Closing date").fill(closes.isoformat())
    officer.get_by_label("Closing time").fill("23:59")
    assert_accessible(officer, "charters-open")
    officer.get_by_role("button", name="Open for comment").click()
    expect(officer.get_by_text("The draft is open for comment.")).to_be_visible()

    resident = browser.new_context(base_url=live_server.url).new_page()
    resident.goto("/charters/sevenoaks-easy-read-charter")
    expect(resident.get_by_text("Closes in 21 days", exact=False).first).to_be_visible()
    assert_accessible(resident, "charters-public-draft")
    section(resident, "How to tell us").get_by_role("link", name="Comment on this section").click()
    resident.get_by_role("button", name="Send comment").click()
    expect(resident.locator(".nhsuk-error-summary")).to_contain_text("Enter your comment")
    assert_accessible(resident, "charters-public-comment-error")
    resident.get_by_label("Your comment", exact=True).fill("Please add text messages.")
    resident.get_by_label("Your name (optional)").fill("Sam")
    resident.get_by_role("button", name="Send comment").click()
    expect(resident.get_by_text("An officer will read it")).to_be_visible()
    expect(resident.get_by_text("Please add text messages.")).to_have_count(0)

    officer.goto(detail_url)
    moderation = officer.locator(".nhsuk-card", has_text="Please add text messages.")
    moderation.get_by_role("button", name="Publish comment").click()
    expect(officer.get_by_text("Comment published.")).to_be_visible()
    officer.get_by_role("button", name="Send version 2 for approval").click()
    officer.get_by_role("link", name="Record an approval of version 2").click()
    officer.get_by_label("Approved on behalf of").fill("West Kent HCP Board")
    assert_accessible(officer, "charters-approve")
    officer.get_by_role("button", name="Record approval").click()
    officer.get_by_role("button", name="Adopt version 2").click()
    expect(officer.get_by_text("Adopted: this version is now the public charter.")).to_be_visible()

    resident.goto("/charters/")
    resident.get_by_role("link", name="Sevenoaks easy read involvement charter").click()
    expect(resident.get_by_text("approved by West Kent HCP Board", exact=False)).to_be_visible()
    expect(resident.get_by_text("We will listen to you at meetings and online.")).to_be_visible()
    assert_accessible(resident, "charters-public-adopted")


def test_the_demo_draft_is_readable_without_javascript(page_without_js):
    page_without_js.goto("/charters/west-kent-patient-involvement-charter/draft")
    expect(page_without_js.get_by_role("heading", name="Making it easy to take part")).to_be_visible()
    assert_accessible(page_without_js, "charters-demo-draft")
