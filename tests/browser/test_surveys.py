"""The survey builder in the browser without JavaScript: pages, questions, show-if and equality (axe on each)."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_officer_builds_a_survey_without_javascript(page_without_js):
    officer = page_without_js
    sign_in(officer, "officer@example.org")
    officer.goto("/consultations/manage/")
    officer.get_by_role("link", name="Urgent treatment centres in West Kent").click()
    officer.get_by_role("link", name="Build the survey").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Survey")
    expect(officer.get_by_text("This survey already has responses")).to_be_visible()
    assert_accessible(officer, "survey-builder-demo")

    officer.goto("/consultations/manage/")
    officer.get_by_role("link", name="Creating an NHS that helps you").click()
    officer.get_by_role("link", name="Create the survey").click()
    assert_accessible(officer, "survey-builder-empty")
    officer.get_by_role("button", name="Create the survey").click()
    expect(officer.get_by_text("Survey created")).to_be_visible()

    officer.get_by_role("link", name="Add a question to page 1").click()
    officer.get_by_role("button", name="Continue").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Choose the type of question")
    assert_accessible(officer, "survey-choose-kind-error")
    officer.get_by_label("Yes or no").check()
    officer.get_by_role("button", name="Continue").click()
    officer.get_by_role("button", name="Add question").click()
    expect(officer.locator(".nhsuk-error-summary")).to_contain_text("Enter the question")
    assert_accessible(officer, "survey-question-form-error")
    officer.get_by_label("Question", exact=True).fill("Have you used a GP surgery this year?")
    officer.get_by_label("Residents must answer this question").check()
    officer.get_by_role("button", name="Add question").click()
    expect(officer.get_by_text("Question added")).to_be_visible()

    officer.get_by_role("link", name="Add a page").click()
    assert_accessible(officer, "survey-page-form")
    officer.get_by_label("Page title").fill("Your experience")
    officer.get_by_role("button", name="Add page").click()
    officer.get_by_role("link", name="Add a question to page 2").click()
    officer.get_by_label("Likert scale (five points)").check()
    officer.get_by_role("button", name="Continue").click()
    expect(officer.get_by_label("Options")).to_have_value(
        "Strongly agree\nAgree\nNeither agree nor disagree\nDisagree\nStrongly disagree"
    )
    officer.get_by_label("Question", exact=True).fill("My surgery is easy to reach.")
    officer.get_by_label("Show this question only when (optional)").select_option(
        label="Page 1: “Have you used a GP surgery this year?” is “Yes”"
    )
    assert_accessible(officer, "survey-question-form")
    officer.get_by_role("button", name="Add question").click()
    expect(officer.get_by_text("Shown only when the answer to “Have you used a GP surgery this year?”")).to_be_visible()

    officer.get_by_role("button", name="Add the equality monitoring section").click()
    expect(officer.get_by_text("Equality monitoring section added")).to_be_visible()
    expect(officer.get_by_role("heading", name="Page 3: Equality monitoring")).to_be_visible()
    assert_accessible(officer, "survey-builder")
