"""API tokens on the account page and the API documentation, in a real browser under our CSP."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_partner_creates_a_token_and_the_api_answers_with_it(page):
    sign_in(page, "reviewer@example.org")
    page.goto("/account/")
    assert_accessible(page, "account-api-tokens")
    page.get_by_label("Token name").fill("Browser check")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    secret = page.locator("code.engage-token").inner_text()
    assert_accessible(page, "account-new-token")
    answer = page.request.get("/api/v1/records?limit=5", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and len(answer.json()["items"]) == 5
    # The browser's own session does not count on the API: only the token does.
    assert page.request.get("/api/v1/records").status == 401
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.get_by_text("revoked: it no longer works")).to_be_visible()
    assert page.request.get("/api/v1/records", headers={"Authorization": f"Bearer {secret}"}).status == 401


def test_api_docs_render_from_local_files_without_csp_violations(page):
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Engage API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/records").first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
