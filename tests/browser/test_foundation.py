"""Journeys through the foundation: home page, sign-in per role, an admin adding a user."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

ROLE_NAVIGATION = {
    "admin@example.org": [
        "Dashboard",
        "Stakeholders",
        "Engagement records",
        "Themes",
        "Consultations",
        "Charters",
        "Users",
        "Reference data",
        "Audit log",
    ],
    "officer@example.org": ["Dashboard", "Stakeholders", "Engagement records", "Themes", "Consultations", "Charters"],
    "reviewer@example.org": ["Dashboard", "Stakeholders", "Engagement records", "Themes", "Consultations", "Charters"],
}


def navigation_labels(page):
    """The header's navigation labels in order, including those the header folds into "More".

    The header's script folds items after load; mid-fold an item is in both lists, so read again
    (for up to five seconds) until no label appears twice.
    """
    for _ in range(50):
        shown = page.locator(
            ".nhsuk-header__navigation-list > li.nhsuk-header__navigation-item:not([hidden]):not(.nhsuk-header__menu)"
        ).all_text_contents()
        folded = page.locator(".nhsuk-header__menu-list > li").all_text_contents()
        labels = [" ".join(t.split()) for t in shown + folded]
        if len(labels) == len(set(labels)):
            break
        page.wait_for_timeout(100)
    return labels


def test_home_page_is_nhs_styled_and_accessible(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Engage"))
    expect(page.locator("header.nhsuk-header")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Have your say on health and care in your area")
    expect(page.get_by_text("Kent and Medway").first).to_be_visible()
    expect(page.locator("footer").get_by_role("link", name="Accessibility statement")).to_be_visible()
    # nhsuk-frontend's module ran: the page knows JavaScript is on.
    expect(page.locator("body")).to_have_class(re.compile("js-enabled"))
    assert_accessible(page, "home")


def test_home_page_works_without_javascript(page_without_js):
    page_without_js.goto("/")
    expect(page_without_js.get_by_role("heading", level=1)).to_be_visible()
    expect(page_without_js.get_by_role("link", name="Skip to main content")).to_be_attached()
    # axe itself needs JavaScript, so the same page is scanned in test_home_page_is_nhs_styled_and_accessible.
    expect(page_without_js.locator("body")).not_to_have_class(re.compile("js-enabled"))


@pytest.mark.parametrize("email", list(ROLE_NAVIGATION))
def test_each_demo_user_signs_in_and_sees_their_roles_navigation(page, email):
    page.goto("/account/sign-in")
    assert_accessible(page, "sign-in")
    sign_in(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert navigation_labels(page) == ROLE_NAVIGATION[email]
    assert_accessible(page, f"dashboard-{email.split('@')[0]}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_wrong_password_shows_the_error_summary(page):
    sign_in(page, "officer@example.org", "not-the-password")
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#password")
    assert_accessible(page, "sign-in-error")


def test_admin_creates_a_user_and_sees_it_in_the_audit_log(page):
    sign_in(page, "admin@example.org")
    page.get_by_role("link", name="Users", exact=True).first.click()
    assert_accessible(page, "admin-users")
    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Add user").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the person's name")
    assert_accessible(page, "admin-user-form-error")
    page.get_by_label("Full name").fill("Priya Patel")
    page.get_by_label("Email address").fill("priya.patel@example.org")
    page.get_by_label("Organisation or team").fill("Healthwatch Kent")
    page.get_by_label("Reviewer").check()
    page.get_by_label("Initial password").fill("lantern orchard velvet 93")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("Priya Patel can now sign in as reviewer.")).to_be_visible()
    expect(page.get_by_role("link", name="Priya Patel")).to_be_visible()

    # With nine header items the last ones sit under "More" at this width: use the dashboard's card.
    page.get_by_role("link", name="Dashboard", exact=True).first.click()
    page.get_by_role("main").get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("create")
    page.get_by_label("Object").select_option("users")
    page.get_by_role("button", name="Filter").click()
    first_row = page.locator("table tbody tr").first
    expect(first_row).to_contain_text("Alex Admin")
    expect(first_row).to_contain_text("create")
    expect(first_row).to_contain_text("users")
    assert "priya" not in first_row.inner_text().lower()
    assert_accessible(page, "admin-audit")


def test_admin_pages_for_places_and_topics_are_accessible(page):
    sign_in(page, "admin@example.org")
    page.goto("/admin/places")
    expect(page.get_by_role("link", name="West Kent", exact=True)).to_be_visible()
    assert_accessible(page, "admin-places")
    page.get_by_role("link", name="West Kent", exact=True).click()
    expect(page.get_by_label("Population (optional)")).to_have_value("491000")
    assert_accessible(page, "admin-place-form")
    page.goto("/admin/topics")
    assert_accessible(page, "admin-topics")
