"""The standard equality monitoring section, added with one click."""

from sqlalchemy import select

from engage.surveys import equality
from engage.surveys.models import Question, QuestionKind, SurveyPage
from tests import factories
from tests.pages import plain, text_of

KEYS = [
    "age_band",
    "sex",
    "gender_identity",
    "ethnic_group",
    "disability",
    "carer",
    "religion",
    "sexual_orientation",
    "pregnancy",
    "postcode_district",
]


def test_one_click_adds_the_equality_section_and_a_second_click_explains(db, app, client, login_as, officer, post_form):
    survey = factories.SurveyFactory()
    factories.SurveyPageFactory(survey=survey, position=1, title="Views")
    login_as(officer)
    builder = f"/consultations/manage/{survey.consultation_id}/survey"
    assert "Add the equality monitoring section" in text_of(client.get(builder))
    response = post_form(f"{builder}/equality", form_url=builder, follow_redirects=True)
    assert "Equality monitoring section added" in plain(text_of(response))
    page = db.session.scalar(select(SurveyPage).where(SurveyPage.is_equality))
    assert page.position == 2 and page.title == "Equality monitoring"
    questions = page.questions
    assert [q.equality_key for q in questions] == KEYS
    assert not any(q.required for q in questions)
    for question in questions:
        if question.kind.has_options:
            assert question.options[-1].label == "Prefer not to say" and question.options[-1].is_exclusive
            assert not any(o.is_exclusive for o in question.options[:-1])
        else:
            assert question.kind == QuestionKind.short_text and question.equality_key == "postcode_district"
    ethnic = next(q for q in questions if q.equality_key == "ethnic_group")
    labels = [o.label for o in ethnic.options]
    assert len(labels) == 20 and "Asian or Asian British: Indian" in labels
    assert "White: Gypsy or Irish Traveller" in labels and "Other ethnic group: Arab" in labels
    assert {label.split(":")[0] for label in labels[:-1]} == {group for group, _ in equality.ETHNIC_GROUPS}
    religion = next(q for q in questions if q.equality_key == "religion")
    assert [o.label for o in religion.options][0] == "No religion"
    # The second click changes nothing and says why.
    response = post_form(f"{builder}/equality", form_url=builder, follow_redirects=True)
    assert "This survey already has the equality monitoring section" in plain(text_of(response))
    assert len(db.session.scalars(select(SurveyPage).where(SurveyPage.is_equality)).all()) == 1
    assert len(db.session.scalars(select(Question)).all()) == 10


def test_new_pages_go_before_the_equality_section_which_takes_no_custom_questions(
    db, client, login_as, officer, post_form
):
    survey = factories.SurveyFactory()
    factories.SurveyPageFactory(survey=survey, position=1, title="Views")
    login_as(officer)
    builder = f"/consultations/manage/{survey.consultation_id}/survey"
    post_form(f"{builder}/equality", form_url=builder)
    post_form(f"{builder}/pages/new", {"title": "More views"})
    titles = [p.title for p in db.session.scalars(select(SurveyPage).order_by(SurveyPage.position))]
    assert titles == ["Views", "More views", "Equality monitoring"]
    page = db.session.scalar(select(SurveyPage).where(SurveyPage.is_equality))
    chooser = plain(text_of(client.get(f"{builder}/pages/{page.id}/questions/new?kind=short_text")))
    assert "The equality monitoring page holds the standard questions only" in chooser


def test_equality_questions_can_be_reworded_but_stay_optional_with_their_answers(
    db, client, login_as, officer, post_form
):
    survey = factories.SurveyFactory()
    login_as(officer)
    builder = f"/consultations/manage/{survey.consultation_id}/survey"
    post_form(f"{builder}/equality", form_url=builder)
    sex = db.session.scalar(select(Question).where(Question.equality_key == "sex"))
    form = text_of(client.get(f"{builder}/questions/{sex.id}/edit"))
    assert 'name="required"' not in form and 'name="kind"' not in form and "remove_" not in form
    data = {"text": "What is your sex? (reworded)", "required": "y", "kind": "short_text"}
    data.update({f"option_{o.id}": o.label for o in sex.options})
    response = post_form(f"{builder}/questions/{sex.id}/edit", data)
    assert response.status_code == 302
    db.session.refresh(sex)
    assert sex.text == "What is your sex? (reworded)" and not sex.required
    assert sex.kind == QuestionKind.single_choice and len(sex.options) == 3
