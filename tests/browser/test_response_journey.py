"""A resident responds to a consultation in the browser, with and without JavaScript (issue 5's
"done when"): the survey across pages with a show-if question, save, resume from the private link,
check answers, change one, submit, reference and receipt; after the deadline the same attempt is
refused. axe runs on every page.

Each test makes its own open consultation and survey in the live server's database (as the server
fixture loads the demo content), so moving a deadline here never touches what other tests read.
"""

import itertools
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from engage.consultations.models import Consultation, ConsultationStage
from engage.dates import now_utc
from engage.extensions import db
from engage.mail import mail
from engage.responses.models import Response
from engage.surveys.models import Question, QuestionKind, QuestionOption, Survey, SurveyPage
from tests.browser.conftest import assert_accessible

_numbers = itertools.count(1)
REFERENCE_RE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def make_consultation(live_server):
    """An open consultation like the demo's, with a three-page survey (a show-if question on page 2)."""
    number = next(_numbers)
    with live_server.app.app_context():
        consultation = Consultation(
            title=f"Urgent care at night in West Kent ({number})",
            slug=f"urgent-care-at-night-{number}",
            summary="Tell us how urgent treatment centres should open at night.",
            opens_at=now_utc() - timedelta(days=2),
            closes_at=now_utc() + timedelta(days=20),
            stage=ConsultationStage.ready,
            contact_name="West Kent engagement team",
            has_online_survey=True,
        )
        survey = Survey(
            consultation=consultation,
            introduction="It takes about five minutes.",
            privacy_notice="We use your answers only for this consultation. Read more in our **privacy notice**.",
        )
        visits = SurveyPage(survey=survey, position=1, title="Your visits")
        used = Question(
            page=visits,
            position=1,
            kind=QuestionKind.single_choice,
            text="Which urgent treatment centre have you used?",
            required=True,
            options=[
                QuestionOption(position=1, label="Maidstone"),
                QuestionOption(position=2, label="Tunbridge Wells"),
                QuestionOption(position=3, label="Neither"),
            ],
        )
        Question(page=visits, position=2, kind=QuestionKind.number, text="How many times last year?", max_value=50)
        why = SurveyPage(survey=survey, position=2, title="Maidstone")
        views = SurveyPage(survey=survey, position=3, title="Your views")
        Question(
            page=views, position=1, kind=QuestionKind.yes_no, text="Should centres open until midnight?", required=True
        )
        Question(page=views, position=2, kind=QuestionKind.date, text="When did you last go?")
        Question(page=views, position=3, kind=QuestionKind.postcode, text="Your postcode")
        Question(page=views, position=4, kind=QuestionKind.long_text, text="Anything else you want to tell us?")
        db.session.add(consultation)
        db.session.flush()
        why.questions.append(
            Question(
                position=1,
                kind=QuestionKind.long_text,
                text="Why did you choose Maidstone?",
                required=True,
                show_if_question_id=used.id,
                show_if_value=str(used.options[0].id),
            )
        )
        db.session.commit()
        return consultation.id, consultation.slug


def close_now(live_server, consultation_id):
    with live_server.app.app_context():
        db.session.get(Consultation, consultation_id).closes_at = now_utc() - timedelta(seconds=1)
        db.session.commit()


def response_count(live_server, consultation_id):
    with live_server.app.app_context():
        return db.session.scalar(select(func.count(Response.id)).where(Response.consultation_id == consultation_id))


def answer_up_to_check(browser, live_server, page, slug, name, *, javascript, scan=True):
    """From the consultation page to "Check your answers", saving and resuming in a new tab on the way."""
    page.goto(f"/consultations/{slug}")
    if scan:
        assert_accessible(page, f"{name}-consultation")
    page.get_by_role("link", name="Respond online").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Respond to the consultation")
    if scan:
        assert_accessible(page, f"{name}-start")
    # The start page asks for consent and how the resident responds, with the survey's first page.
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    page.get_by_label("How many times last year?").fill("lots")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Confirm that you have read the privacy notice")
    expect(summary).to_contain_text("Select whether you are responding as an individual")
    expect(summary).to_contain_text("Select an answer to: Which urgent")
    expect(summary).to_contain_text("Enter a whole number")
    assert page.title().startswith("Error: ")
    if scan:
        assert_accessible(page, f"{name}-start-error")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_label("As an individual").check()
    page.get_by_label("Maidstone").check()
    page.get_by_label("How many times last year?").fill("3")
    page.get_by_role("button", name="Continue").click()

    # The show-if question, shown because of the answer on page 1: one question, so it is the heading.
    expect(page.get_by_role("heading", level=1)).to_have_text("Why did you choose Maidstone?")
    if scan:
        assert_accessible(page, f"{name}-page-show-if")
    page.get_by_label("Why did you choose Maidstone?").fill("It is on my way home from work.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_text("Page 3 of 3")).to_be_visible()
    page.get_by_label("Your postcode").fill("me14 1rf")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    if scan:
        assert_accessible(page, f"{name}-saved")
    link = page.locator("#resume-link").inner_text()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_text("We have sent the link to sam@example.org")).to_be_visible()

    # Later, in another browser: the link brings the answers back.
    resumed = browser.new_context(base_url=live_server.url, java_script_enabled=javascript).new_page()
    resumed.goto(link)
    expect(resumed.get_by_text("Welcome back")).to_be_visible()
    expect(resumed.get_by_label("Your postcode")).to_have_value("ME14 1RF")
    if scan:
        assert_accessible(resumed, f"{name}-resumed")
    resumed.get_by_label("Yes").check()
    resumed.get_by_label("Day").fill("30")
    resumed.get_by_label("Month").fill("2")
    resumed.get_by_label("Year").fill("2026")
    resumed.get_by_role("button", name="Continue").click()
    expect(resumed.locator(".nhsuk-error-summary")).to_contain_text("Enter a real date")
    if scan:
        assert_accessible(resumed, f"{name}-date-error")
    resumed.get_by_label("Day").fill("3")
    resumed.get_by_label("Anything else you want to tell us?").fill("Please keep the car park open at night.")
    resumed.get_by_role("button", name="Continue").click()

    expect(resumed.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    return resumed


def about_you(page):
    """Name, email for the receipt and the publishing choice, at the foot of "Check your answers"."""
    page.get_by_label("Your name (optional)").fill("Sam Resident")
    page.get_by_label("Email address (optional)").fill("sam@example.org")
    page.get_by_label("Yes, publish it without my name").check()


def _journey(browser, live_server, page, name, *, javascript):
    consultation_id, slug = make_consultation(live_server)
    resumed = answer_up_to_check(browser, live_server, page, slug, name, javascript=javascript)
    assert_accessible(resumed, f"{name}-check")
    summary = resumed.locator("main")
    expect(summary).to_contain_text("It is on my way home from work.")
    expect(summary).to_contain_text("3 February 2026")
    expect(summary).to_contain_text("ME14 1RF")
    # Change the number of visits, and come back to the check page.
    resumed.get_by_role("link", name="Change How many times last year?").click()
    resumed.get_by_label("How many times last year?").fill("5")
    resumed.get_by_role("button", name="Continue").click()
    expect(resumed.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    expect(resumed.locator(".nhsuk-summary-list").nth(1)).to_contain_text("5")

    resumed.get_by_role("button", name="Send response").click()
    expect(resumed.locator(".nhsuk-error-summary")).to_contain_text("Select whether we can publish your response")
    assert_accessible(resumed, f"{name}-check-error")
    assert response_count(live_server, consultation_id) == 0
    about_you(resumed)
    with mail.record_messages() as outbox:
        resumed.get_by_role("button", name="Send response").click()
        expect(resumed.get_by_role("heading", name="Response sent")).to_be_visible()
    reference = REFERENCE_RE.search(resumed.locator(".nhsuk-panel").inner_text()).group(0)
    assert_accessible(resumed, f"{name}-confirmation")
    assert response_count(live_server, consultation_id) == 1
    assert any(reference in message.body for message in outbox)
    resumed.context.close()


def test_a_resident_responds_with_javascript(browser, live_server, page):
    _journey(browser, live_server, page, "response-js", javascript=True)


def test_a_resident_responds_without_javascript(browser, live_server, page_without_js):
    _journey(browser, live_server, page_without_js, "response-no-js", javascript=False)


def test_after_the_deadline_the_same_attempt_is_refused(browser, live_server, page_without_js):
    consultation_id, slug = make_consultation(live_server)
    resumed = answer_up_to_check(
        browser, live_server, page_without_js, slug, "response-late", javascript=False, scan=False
    )
    about_you(resumed)
    close_now(live_server, consultation_id)
    resumed.get_by_role("button", name="Send response").click()
    expect(resumed.get_by_role("heading", level=1)).to_have_text("This consultation has closed")
    expect(resumed.get_by_text("Your answers could not be sent.")).to_be_visible()
    assert_accessible(resumed, "response-deadline-refused")
    assert response_count(live_server, consultation_id) == 0
    resumed.goto(f"/consultations/{slug}")
    expect(resumed.get_by_role("link", name="Respond online")).to_have_count(0)
    resumed.context.close()
