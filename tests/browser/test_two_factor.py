"""Two-factor sign-in in a real browser: set up from the key shown, recovery codes, the code step; axe on each."""

import pyotp
from playwright.sync_api import expect

from engage.extensions import db
from engage.permissions import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD, UserFactory


def test_an_officer_sets_up_two_factor_and_signs_in_with_a_code(page, live_server):
    with live_server.app.app_context():
        UserFactory(role=Role.officer, email="two.factor@example.org", name="Tess Factor", organisation="")
        db.session.commit()
    sign_in(page, "two.factor@example.org", PASSWORD)
    page.goto("/account/")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for adding Engage to an authenticator app")).to_be_visible()
    assert_accessible(page, "two-factor set-up")
    secret = page.locator("code.engage-two-factor-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page, "two-factor set-up, wrong code")

    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    codes = page.locator(".engage-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery codes")

    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, "two.factor@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page, "sign-in code")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard")
