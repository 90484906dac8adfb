"""The officers' survey builder: pages, every question type, show-if rules, reordering, bad input, permissions."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.surveys.models import LIKERT_LABELS, Question, QuestionKind, QuestionOption, Survey, SurveyPage
from tests import factories
from tests.conftest import csrf_token_from
from tests.pages import count_rows, main_content, page_title, plain, text_of


@pytest.fixture
def officer_client(app, login_as, client, officer):
    login_as(officer)
    return client


@pytest.fixture
def survey(app):
    return factories.SurveyFactory(privacy_notice="Version one wording")


@pytest.fixture
def page(survey):
    return factories.SurveyPageFactory(survey=survey, position=1, title="Your views")


def builder_url(survey, rest=""):
    return f"/consultations/manage/{survey.consultation_id}/survey{rest}"


def stored(db):
    """What the survey tables hold, to prove bad input stored nothing."""
    return tuple(count_rows(db, model) for model in (Survey, SurveyPage, Question, QuestionOption, AuditEntry))


def test_officer_creates_the_survey_from_the_consultation_page(db, officer_client, post_form, officer):
    consultation = factories.ConsultationFactory(has_online_survey=False)
    page = plain(main_content(officer_client.get(f"/consultations/manage/{consultation.id}")))
    assert "This consultation has no online survey. Create the survey" in page
    url = f"/consultations/manage/{consultation.id}/survey"
    response = post_form(f"{url}/create", form_url=url)
    assert response.status_code == 302
    db.session.refresh(consultation)
    assert consultation.survey is not None and consultation.has_online_survey
    assert [p.title for p in consultation.survey.pages] == ["Your views"]
    assert consultation.contact_name in consultation.survey.privacy_notice
    actions = {(e.object_type, e.action) for e in db.session.scalars(select(AuditEntry))}
    assert {("surveys", "create"), ("survey_pages", "create"), ("consultations", "update")} <= actions
    page = plain(main_content(officer_client.get(url)))
    assert "Page 1: Your views" in page and "Preview the survey as residents will see it" in page
    assert f'href="/consultations/manage/{consultation.id}/survey/preview"' in text_of(officer_client.get(url))
    # A second click does not make a second survey.
    response = post_form(f"{url}/create", form_url=url, follow_redirects=True)
    assert "This consultation already has a survey" in plain(text_of(response))
    assert count_rows(db, Survey) == 1


def test_changing_the_privacy_notice_bumps_its_version_but_the_introduction_does_not(
    db, officer_client, post_form, survey
):
    url = builder_url(survey, "/settings")
    post_form(url, {"introduction": "Welcome", "privacy_notice": "Version one wording"})
    db.session.refresh(survey)
    assert survey.introduction == "Welcome" and survey.privacy_version == 1
    response = post_form(
        url, {"introduction": "Welcome", "privacy_notice": "Version two wording"}, follow_redirects=True
    )
    assert "it is now version 2" in plain(text_of(response))
    db.session.refresh(survey)
    assert survey.privacy_version == 2
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "surveys")).all()[-1]
    assert entry.changed_fields == ["privacy_notice", "privacy_version"]


def test_empty_privacy_notice_is_refused_and_nothing_changes(db, officer_client, post_form, survey):
    before = stored(db)
    response = post_form(builder_url(survey, "/settings"), {"privacy_notice": "   "})
    assert response.status_code == 400 and page_title(response).startswith("Error:")
    assert "Enter the privacy notice" in text_of(response)
    assert stored(db) == before


def test_officer_adds_renames_reorders_and_deletes_pages(db, officer_client, post_form, survey, page):
    post_form(builder_url(survey, "/pages/new"), {"title": "About you"})
    post_form(builder_url(survey, "/pages/new"), {"title": "Anything else"})

    def titles():
        return [p.title for p in db.session.scalars(select(SurveyPage).order_by(SurveyPage.position))]

    assert titles() == ["Your views", "About you", "Anything else"]
    last = db.session.scalar(select(SurveyPage).where(SurveyPage.title == "Anything else"))
    post_form(builder_url(survey, f"/pages/{last.id}/move"), {"direction": "up"}, form_url=builder_url(survey))
    assert titles() == ["Your views", "Anything else", "About you"]
    post_form(builder_url(survey, f"/pages/{last.id}/edit"), {"title": "Anything more"})
    assert titles() == ["Your views", "Anything more", "About you"]
    response = post_form(
        builder_url(survey, f"/pages/{page.id}/move"),
        {"direction": "up"},
        form_url=builder_url(survey),
        follow_redirects=True,
    )
    assert "This page is already the first page" in plain(text_of(response))
    post_form(builder_url(survey, f"/pages/{last.id}/delete"), form_url=builder_url(survey))
    assert titles() == ["Your views", "About you"]
    assert [p.position for p in db.session.scalars(select(SurveyPage).order_by(SurveyPage.position))] == [1, 2]
    actions = [(e.object_type, e.action) for e in db.session.scalars(select(AuditEntry))]
    assert actions.count(("survey_pages", "create")) == 2 and ("survey_pages", "delete") in actions


def test_empty_or_huge_page_title_is_refused(db, officer_client, post_form, survey, page):
    before = stored(db)
    for title, message in (("", "Enter a title for the page"), ("x" * 100_000, "200 characters or fewer")):
        response = post_form(builder_url(survey, "/pages/new"), {"title": title})
        assert response.status_code == 400 and message in text_of(response)
    assert stored(db) == before


QUESTION_DATA = {
    "short_text": {},
    "long_text": {},
    "single_choice": {"options_text": "Maidstone\nTunbridge Wells\n\n"},
    "multiple_choice": {"options_text": "Car\nBus\nWalking"},
    "likert": {"options_text": "\n".join(LIKERT_LABELS)},
    "rating": {"min_value": "0", "max_value": "10"},
    "yes_no": {},
    "number": {"min_value": "0", "max_value": "180"},
    "date": {},
    "postcode": {},
}


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_officer_adds_a_question_of_every_kind(db, officer_client, post_form, survey, page, kind):
    url = builder_url(survey, f"/pages/{page.id}/questions/new?kind={kind.value}")
    data = {"text": f"A {kind.label} question?", "help_text": "Some help", "required": "y", **QUESTION_DATA[kind.value]}
    response = post_form(url, data)
    assert response.status_code == 302, text_of(response)
    question = db.session.scalar(select(Question))
    assert question.kind == kind and question.required and question.help_text == "Some help"
    assert question.page_id == page.id and question.position == 1
    if kind == QuestionKind.single_choice:
        assert [o.label for o in question.options] == ["Maidstone", "Tunbridge Wells"]
    if kind == QuestionKind.likert:
        assert [o.label for o in question.options] == list(LIKERT_LABELS)
    if kind == QuestionKind.rating:
        assert question.scale == (0, 10)
    if kind == QuestionKind.number:
        assert (question.min_value, question.max_value) == (0, 180)
    if not kind.has_options:
        assert question.options == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "survey_questions"))
    assert entry.action == "create" and "text" in entry.changed_fields and "A " not in str(entry.changed_fields)
    assert f"A {kind.label} question?" in plain(main_content(officer_client.get(builder_url(survey))))


def test_the_kind_is_chosen_first_and_likert_starts_with_the_five_labels(officer_client, survey, page):
    url = builder_url(survey, f"/pages/{page.id}/questions/new")
    page_text = plain(text_of(officer_client.get(url)))
    assert "What type of question?" in page_text and "UK postcode" in page_text
    assert "There is a problem" not in page_text
    response = officer_client.get(url + "?step=kind")
    assert response.status_code == 400 and "Choose the type of question" in text_of(response)
    response = officer_client.get(url + "?step=kind&kind=nonsense")
    assert response.status_code == 400 and "Choose one of the types of question listed" in text_of(response)
    form = text_of(officer_client.get(url + "?kind=likert"))
    assert "Strongly agree\nAgree\nNeither agree nor disagree\nDisagree\nStrongly disagree" in form
    form = text_of(officer_client.get(url + "?kind=rating"))
    assert 'value="1"' in form and 'value="5"' in form


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("short_text", {"text": ""}, "Enter the question"),
        ("short_text", {"text": "x" * 100_000}, "The question must be 500 characters or fewer"),
        ("long_text", {"text": "Why?", "help_text": "x" * 100_000}, "The help text must be 2,000 characters or fewer"),
        ("single_choice", {"text": "Which?"}, "Enter at least two options for a single choice question"),
        ("multiple_choice", {"text": "Which?", "options_text": "Only one"}, "Enter at least two options"),
        ("single_choice", {"text": "Which?", "options_text": "Same\nsame"}, "Each option must be different"),
        ("likert", {"text": "Agree?", "options_text": "Yes\nNo\nMaybe"}, "A Likert scale has five points"),
        ("single_choice", {"text": "Which?", "options_text": "a\n" + "x" * 100_000}, "The options must be 20,000"),
        ("single_choice", {"text": "Which?", "options_text": "a\n" + "x" * 400}, "Each option must be 300 characters"),
        ("number", {"text": "How many?", "min_value": "10", "max_value": "5"}, "must not be less than the lowest"),
        ("number", {"text": "How many?", "min_value": "ten"}, "Enter a whole number, like 10"),
        ("number", {"text": "How many?", "max_value": "99999999999"}, "Enter a number closer to zero"),
        ("rating", {"text": "Rate it", "min_value": "3", "max_value": "5"}, "Start the rating scale at 0 or 1"),
        ("rating", {"text": "Rate it", "min_value": "1", "max_value": "50"}, "End the rating scale at a number from 2"),
        ("yes_no", {"text": "Well?", "show_if": "999:yes"}, "Choose a question from the list"),
    ],
)
def test_bad_question_input_gives_a_message_and_stores_nothing(
    db, officer_client, post_form, survey, page, kind, data, message
):
    before = stored(db)
    response = post_form(builder_url(survey, f"/pages/{page.id}/questions/new?kind={kind}"), data)
    assert response.status_code == 400
    assert page_title(response).startswith("Error:") and "There is a problem" in text_of(response)
    assert message in text_of(response)
    assert stored(db) == before


def test_show_if_offers_only_choice_questions_on_earlier_pages(db, officer_client, post_form, survey, page):
    used = factories.QuestionFactory(page=page, kind=QuestionKind.yes_no, text="Have you used one?")
    factories.QuestionFactory(page=page, kind=QuestionKind.short_text, text="Your town")
    later = factories.SurveyPageFactory(survey=survey, position=2, title="Later")
    form = text_of(officer_client.get(builder_url(survey, f"/pages/{later.id}/questions/new?kind=rating")))
    assert f'value="{used.id}:yes"' in form and "Have you used one?" in form and "Your town" not in form
    # A question on page 1 cannot depend on one on page 1 (or later): the form says why, and stores nothing.
    before = stored(db)
    response = post_form(
        builder_url(survey, f"/pages/{page.id}/questions/new?kind=short_text"),
        {"text": "Tell us more", "show_if": f"{used.id}:yes"},
    )
    assert response.status_code == 400
    assert "A question can only depend on a question on an earlier page" in plain(text_of(response))
    assert stored(db) == before
    response = post_form(
        builder_url(survey, f"/pages/{later.id}/questions/new?kind=rating"),
        {"text": "How was it?", "min_value": "1", "max_value": "5", "required": "y", "show_if": f"{used.id}:yes"},
    )
    assert response.status_code == 302
    question = db.session.scalar(select(Question).where(Question.text == "How was it?"))
    assert question.show_if_question_id == used.id and question.show_if_value == "yes"
    page_text = plain(main_content(officer_client.get(builder_url(survey))))
    assert "Shown only when the answer to “Have you used one?” (page 1) is “Yes”" in page_text


def test_show_if_on_a_choice_question_uses_an_option(db, officer_client, post_form, survey, page):
    choice = factories.QuestionFactory(page=page, kind=QuestionKind.multiple_choice, options=["Car", "Bus"])
    later = factories.SurveyPageFactory(survey=survey, position=2)
    bus = choice.options[1]
    response = post_form(
        builder_url(survey, f"/pages/{later.id}/questions/new?kind=long_text"),
        {"text": "Which bus?", "show_if": f"{choice.id}:{bus.id}"},
    )
    assert response.status_code == 302
    question = db.session.scalar(select(Question).where(Question.text == "Which bus?"))
    assert question.show_if_value == str(bus.id)
    page_text = plain(main_content(officer_client.get(builder_url(survey))))
    assert f"Shown only when the answer to “{choice.text}” (page 1) includes “Bus”" in page_text
    response = post_form(
        builder_url(survey, f"/pages/{later.id}/questions/new?kind=long_text"),
        {"text": "Which other?", "show_if": f"{choice.id}:99999"},
    )
    assert response.status_code == 400 and "Choose the answer that shows this question" in text_of(response)


def test_officer_edits_wording_options_and_kind(db, officer_client, post_form, survey, page):
    question = factories.QuestionFactory(page=page, kind=QuestionKind.single_choice, options=["Car", "Bus", "Tram"])
    car, bus, tram = question.options
    url = builder_url(survey, f"/questions/{question.id}/edit")
    form = text_of(officer_client.get(url))
    assert f'name="option_{car.id}"' in form and f'name="remove_{tram.id}"' in form
    response = post_form(
        url,
        {
            "kind": "multiple_choice",
            "text": "How do you travel?",
            "help_text": "",
            f"option_{car.id}": "By car",
            f"option_{bus.id}": "Bus",
            f"option_{tram.id}": "Tram",
            f"remove_{tram.id}": "y",
            "options_text": "Walking\nCycling",
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.refresh(question)
    assert question.kind == QuestionKind.multiple_choice and question.text == "How do you travel?"
    assert [o.label for o in question.options] == ["By car", "Bus", "Walking", "Cycling"]
    assert [o.position for o in question.options] == [1, 2, 3, 4]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "survey_questions")).all()[-1]
    assert entry.action == "update" and {"kind", "options", "text"} <= set(entry.changed_fields)
    # To a type without options: the options go.
    response = post_form(url, {"kind": "short_text", "text": "How do you travel?"})
    assert response.status_code == 302
    db.session.refresh(question)
    assert question.kind == QuestionKind.short_text and count_rows(db, QuestionOption) == 0
    # Back to a choice type without options: the form asks for them.
    response = post_form(url, {"kind": "single_choice", "text": "How do you travel?"})
    assert response.status_code == 400 and "Enter at least two options" in text_of(response)


def test_questions_move_up_down_and_between_pages(db, officer_client, post_form, survey, page):
    first = factories.QuestionFactory(page=page, position=1, text="First")
    second = factories.QuestionFactory(page=page, position=2, text="Second")
    other = factories.SurveyPageFactory(survey=survey, position=2)

    def move(q, data):
        return post_form(
            builder_url(survey, f"/questions/{q.id}/move"), data, form_url=builder_url(survey), follow_redirects=True
        )

    move(second, {"direction": "up"})

    def order(p):
        return [
            q.text
            for q in db.session.scalars(select(Question).where(Question.page_id == p.id).order_by(Question.position))
        ]

    assert order(page) == ["Second", "First"]
    response = move(second, {"direction": "up"})
    assert "already the first one on its page" in plain(text_of(response))
    move(second, {"to_page": str(other.id)})
    assert order(page) == ["First"] and order(other) == ["Second"]
    db.session.refresh(first)
    assert first.position == 1
    response = move(first, {})
    assert "Choose where to move the question" in plain(text_of(response))


def test_a_move_that_would_break_a_show_if_condition_is_refused(db, officer_client, post_form, survey, page):
    condition = factories.QuestionFactory(page=page, kind=QuestionKind.yes_no, text="Used one?")
    page2 = factories.SurveyPageFactory(survey=survey, position=2)
    page3 = factories.SurveyPageFactory(survey=survey, position=3)
    dependent = factories.QuestionFactory(
        page=page2, kind=QuestionKind.short_text, text="Which one?", show_if_question=condition, show_if_value="yes"
    )

    def move(q, data):
        return plain(
            text_of(
                post_form(
                    builder_url(survey, f"/questions/{q.id}/move"),
                    data,
                    form_url=builder_url(survey),
                    follow_redirects=True,
                )
            )
        )

    # The dependent question cannot move onto the page of its condition...
    assert "it must be on a later page than that" in move(dependent, {"to_page": str(page.id)})
    # ...and the condition cannot move to (or after) the page of the question that depends on it.
    assert "must stay on an earlier page than it" in move(condition, {"to_page": str(page2.id)})
    assert "must stay on an earlier page than it" in move(condition, {"to_page": str(page3.id)})
    # Moving the dependent later is fine.
    move(dependent, {"to_page": str(page3.id)})
    db.session.refresh(dependent)
    assert dependent.page_id == page3.id
    # Pages: the condition's page cannot move below the dependent's page.
    page_text = plain(
        text_of(
            post_form(
                builder_url(survey, f"/pages/{page3.id}/move"),
                {"direction": "up"},
                form_url=builder_url(survey),
                follow_redirects=True,
            )
        )
    )
    assert "Page moved" in page_text
    page_text = plain(
        text_of(
            post_form(
                builder_url(survey, f"/pages/{page3.id}/move"),
                {"direction": "up"},
                form_url=builder_url(survey),
                follow_redirects=True,
            )
        )
    )
    assert "must stay on a later page than that question" in page_text
    db.session.refresh(page)
    assert page.position == 1
    # Nor can the condition be deleted while something depends on it.
    page_text = plain(
        text_of(
            post_form(
                builder_url(survey, f"/questions/{condition.id}/delete"),
                form_url=builder_url(survey),
                follow_redirects=True,
            )
        )
    )
    assert "Change or remove that show-if condition first" in page_text
    assert db.session.get(Question, condition.id) is not None


def test_reviewer_sees_the_builder_but_cannot_change_anything(db, app, client, login_as, reviewer, survey, page):
    question = factories.QuestionFactory(page=page, text="Visible to staff")
    login_as(reviewer)
    response = client.get(builder_url(survey))
    assert response.status_code == 200 and "Visible to staff" in plain(text_of(response))
    assert "Delete question" not in text_of(response) and "Add a page" not in text_of(response)
    before = stored(db)
    for url in ("/settings", "/pages/new", f"/pages/{page.id}/questions/new", f"/questions/{question.id}/edit"):
        assert client.get(builder_url(survey, url)).status_code == 403
    token = csrf_token_from(response)
    for url in ("/create", "/equality", f"/pages/{page.id}/delete", f"/questions/{question.id}/delete"):
        assert client.post(builder_url(survey, url), data={"csrf_token": token}).status_code == 403
    assert stored(db) == before


def test_builder_pages_404_for_another_consultations_survey(officer_client, survey, page):
    other = factories.SurveyFactory()
    question = factories.QuestionFactory(page=page)
    assert officer_client.get(builder_url(other, f"/pages/{page.id}/edit")).status_code == 404
    assert officer_client.get(builder_url(other, f"/questions/{question.id}/edit")).status_code == 404
    consultation = factories.ConsultationFactory()
    assert officer_client.get(f"/consultations/manage/{consultation.id}/survey/settings").status_code == 404
    assert officer_client.get("/consultations/manage/99999/survey").status_code == 404


def test_huge_introduction_is_refused_and_nothing_changes(db, officer_client, post_form, survey):
    before = stored(db)
    response = post_form(builder_url(survey, "/settings"), {"introduction": "x" * 100_000, "privacy_notice": "Fine"})
    assert response.status_code == 400 and "The introduction must be 10,000 characters or fewer" in text_of(response)
    assert stored(db) == before and db.session.get(Survey, survey.id).privacy_version == 1


def test_hostile_wording_is_shown_as_text(officer_client, survey, page):
    question = factories.QuestionFactory(page=page, kind=QuestionKind.single_choice, options=[factories.HOSTILE, "B"])
    later = factories.SurveyPageFactory(survey=survey, position=2)
    factories.QuestionFactory(page=later, show_if_question=question, show_if_value=str(question.options[0].id))
    for url in ("", f"/questions/{question.id}/edit", f"/pages/{later.id}/questions/new?kind=short_text"):
        body = text_of(officer_client.get(builder_url(survey, url)))
        assert "<script>" not in body.replace('<script nonce="', "")
