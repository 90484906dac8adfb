"""Email updates and the dashboard's response counts in the browser (axe on each page)."""

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, sign_in

OPEN = "Urgent treatment centres in West Kent"


def subscription_links(live_server, email):
    """Give the resident's subscription a known confirmation token (mail is not sent in tests)."""
    from engage.consultations import subscriptions
    from engage.consultations.models import Consultation, ConsultationSubscription
    from engage.extensions import db

    with live_server.app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.title == OPEN))
        subscription = subscriptions.find(consultation.id, email)
        assert isinstance(subscription, ConsultationSubscription)
        subscription.token_hash = subscriptions.sha256("browser-test-token")
        db.session.commit()
        return "/consultations/subscriptions/confirm/browser-test-token", (
            f"/consultations/subscriptions/unsubscribe/{subscriptions.unsubscribe_token(subscription)}"
        )


def test_resident_subscribes_confirms_and_unsubscribes(page_without_js, live_server):
    page = page_without_js
    page.goto("/consultations/")
    page.get_by_role("link", name=OPEN).click()
    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Get email updates").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    assert_accessible(page, "subscribe-error")
    page.get_by_label("Email address").fill("browser.resident@example.org")
    page.get_by_role("button", name="Get email updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page, "subscribe-check-your-email")

    confirm, unsubscribe = subscription_links(live_server, "browser.resident@example.org")
    page.goto(confirm)
    assert_accessible(page, "subscribe-confirm")
    page.get_by_role("button", name="Confirm email updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert_accessible(page, "subscribed")

    page.goto(unsubscribe)
    assert_accessible(page, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have unsubscribed")
    assert_accessible(page, "unsubscribed")

    page.goto("/consultations/subscriptions/confirm/forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("This confirmation link does not work")
    assert_accessible(page, "subscription-link-invalid")


def test_officer_sees_response_counts_on_the_dashboard(browser, live_server):
    officer = browser.new_context(base_url=live_server.url).new_page()
    sign_in(officer, "officer@example.org")
    officer.goto("/dashboard")
    table = officer.get_by_role("table", name="Consultation responses by channel")
    expect(table.get_by_role("rowheader", name=OPEN)).to_be_visible()
    expect(table.get_by_role("columnheader", name="Online survey")).to_be_visible()
    assert_accessible(officer, "dashboard-responses")
    table.get_by_role("link", name=OPEN).click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(OPEN)
