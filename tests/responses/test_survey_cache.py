"""Each worker keeps a survey's structure for the journey (engage.surveys.cache): an officer's edit
must still show on the resident's very next page, even when the clock stands still, and the rules
that protect answers must still hold."""

import time_machine
from sqlalchemy import select

from engage.responses.models import Response
from engage.surveys import services as survey_services
from engage.surveys.models import Question, QuestionKind, Survey
from tests.conftest import csrf_token_from
from tests.pages import count_rows, plain, text_of
from tests.responses.helpers import SEND, complete_to_check, make_survey, respond_url, start, submit


def builder_url(q, rest=""):
    return f"/consultations/manage/{q.consultation.id}/survey{rest}"


def officer_post(app, login_as, officer, url, data, form_url=None):
    """POST as an officer from a browser of their own (the resident's session is left alone)."""
    officer_client = app.test_client()
    login_as(officer, on=officer_client)
    token = csrf_token_from(officer_client.get(form_url or url))
    return officer_client.post(url, data={"csrf_token": token, **data})


def reword_first_question(app, login_as, officer, q, wording, first_option):
    maidstone, wells, neither = q.used.options
    response = officer_post(
        app,
        login_as,
        officer,
        builder_url(q, f"/questions/{q.used.id}/edit"),
        {
            "kind": "single_choice",
            "text": wording,
            "help_text": "",
            "required": "y",
            f"option_{maidstone.id}": first_option,
            f"option_{wells.id}": "Tunbridge Wells",
            f"option_{neither.id}": "Neither",
        },
    )
    assert response.status_code == 302, text_of(response)


def test_an_officers_rewording_shows_on_the_residents_next_page(app, client, login_as, officer):
    q = make_survey()
    start(client, q)
    before = plain(text_of(client.get(respond_url(q))))
    assert "Which urgent treatment centre have you used?" in before and "Maidstone" in before
    reword_first_question(app, login_as, officer, q, "Which centre did you go to?", "Maidstone (Hermitage Lane)")
    after = plain(text_of(client.get(respond_url(q))))
    assert "Which centre did you go to?" in after and "Maidstone (Hermitage Lane)" in after
    assert "Which urgent treatment centre have you used?" not in after


def test_an_edit_shows_even_when_the_clock_stands_still(app, client, login_as, officer):
    """The stamp the cache is keyed by moves on every edit, even within the same instant."""
    q = make_survey()
    with time_machine.travel(q.consultation.closes_at.replace(microsecond=0) - _days(3), tick=False):
        start(client, q)
        assert "Which urgent treatment centre" in plain(text_of(client.get(respond_url(q))))
        reword_first_question(app, login_as, officer, q, "First wording", "Maidstone")
        assert "First wording" in plain(text_of(client.get(respond_url(q))))
        reword_first_question(app, login_as, officer, q, "Second wording", "Maidstone")
        assert "Second wording" in plain(text_of(client.get(respond_url(q))))


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


def test_a_question_added_then_deleted_by_an_officer_shows_then_goes(app, db, client, login_as, officer):
    q = make_survey()
    start(client, q)
    client.get(respond_url(q))
    page_id = q.used.page_id
    response = officer_post(
        app,
        login_as,
        officer,
        builder_url(q, f"/pages/{page_id}/questions/new?kind=short_text"),
        {"text": "Which bus do you take?", "help_text": ""},
    )
    assert response.status_code == 302, text_of(response)
    assert "Which bus do you take? (optional)" in plain(text_of(client.get(respond_url(q))))
    added = db.session.scalar(select(Question).where(Question.text == "Which bus do you take?"))
    response = officer_post(
        app, login_as, officer, builder_url(q, f"/questions/{added.id}/delete"), {}, form_url=builder_url(q)
    )
    assert response.status_code == 302
    assert "Which bus do you take?" not in plain(text_of(client.get(respond_url(q))))


def test_a_new_privacy_notice_shows_on_the_start_page(app, client, login_as, officer):
    q = make_survey()
    assert "We keep your answers" in plain(text_of(client.get(respond_url(q))))
    response = officer_post(
        app,
        login_as,
        officer,
        builder_url(q, "/settings"),
        {"introduction": "Tell us what you think.", "privacy_notice": "We keep your answers for a year."},
    )
    assert response.status_code == 302, text_of(response)
    page = plain(text_of(client.get(respond_url(q))))
    assert "We keep your answers for a year." in page and "Tell us what you think." in page


def test_a_draft_is_checked_against_the_survey_as_it_is_now(app, db, client, login_as, officer):
    """A resident at "check your answers" when the officer adds a required question is sent to answer it."""
    q = make_survey()
    token = csrf_token_from(complete_to_check(client, q))
    survey_services.add_question(
        db.session.get(type(q.comment.page), q.comment.page_id),
        actor=officer,
        kind=QuestionKind.short_text,
        text="What time did you arrive?",
        help_text="",
        required=True,
    )
    db.session.commit()
    response = client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND})
    assert response.status_code == 302 and response.headers["Location"].endswith("/respond/page/3")
    assert count_rows(db, Response) == 0
    assert "What time did you arrive?" in plain(text_of(client.get(respond_url(q, "/page/3"))))


def test_a_survey_with_responses_still_refuses_orphaning_changes(app, db, client, login_as, officer):
    q = make_survey()
    complete_to_check(client, q)
    assert submit(client, q).status_code == 302
    assert count_rows(db, Response) == 1
    text = plain(
        text_of(
            officer_post(
                app,
                login_as,
                officer,
                builder_url(q, f"/questions/{q.used.id}/delete"),
                {},
                form_url=builder_url(q),
            )
        )
    )
    assert db.session.get(Question, q.used.id) is not None, text
    # The next resident still sees the question, and a wording fix is still allowed and shown.
    other = app.test_client()
    start(other, q)
    assert "Which urgent treatment centre have you used?" in plain(text_of(other.get(respond_url(q))))
    reword_first_question(app, login_as, officer, q, "Which centre did you use?", "Maidstone")
    assert "Which centre did you use?" in plain(text_of(other.get(respond_url(q))))


def test_every_kind_of_builder_change_moves_the_surveys_stamp(app, db, officer):
    """The stamp is what every worker compares: it must move for each change, even in a frozen instant."""
    q = make_survey()
    survey_id = q.survey.id

    def stamp():
        db.session.expire_all()
        return db.session.get(Survey, survey_id).updated_at

    with time_machine.travel(stamp(), tick=False):
        changes = [
            lambda: survey_services.rename_page(
                db.session.get(type(q.used.page), q.used.page_id), actor=officer, title="Visits"
            ),
            lambda: survey_services.move_question(db.session.get(Question, q.times.id), actor=officer, direction="up"),
            lambda: survey_services.update_survey(
                db.session.get(Survey, survey_id),
                actor=officer,
                introduction="New introduction",
                privacy_notice="New notice",
            ),
            lambda: survey_services.delete_question(db.session.get(Question, q.comment.id), actor=officer),
        ]
        for change in changes:
            before = stamp()
            change()
            db.session.commit()
            assert stamp() > before


def test_the_structure_is_read_only_and_keeps_the_question_types(app, client):
    """The journey's survey objects are plain values: a view cannot change the survey by accident."""
    import dataclasses

    from engage.responses import queries

    q = make_survey()
    with app.test_request_context():
        _consultation, survey, _draft = queries.public_with_survey(q.consultation.slug)
    question = survey.pages[0].questions[0]
    assert question.kind == QuestionKind.single_choice and [o.label for o in question.options][0] == "Maidstone"
    try:
        question.text = "Changed"
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("the cached question could be changed")


def test_one_browser_answering_two_consultations_keeps_each_draft_apart(app, db, client):
    """The draft is read with the consultation, from the keys the session holds: never another's draft."""
    first, second = make_survey(), make_survey()
    start(client, first)
    start(client, second)
    complete_to_check(client, first)
    check_second = client.get(respond_url(second, "/check"))
    # The second consultation's draft has only its first page: "check" sends the resident to the next.
    assert check_second.status_code == 302 and check_second.headers["Location"].endswith("/respond/page/2")
    assert submit(client, first).status_code == 302
    confirmation = plain(text_of(client.get(respond_url(first, "/confirmation"))))
    assert "Response sent" in confirmation
    # The second consultation has no response from this browser: its confirmation sends the resident to start.
    assert client.get(respond_url(second, "/confirmation")).headers["Location"].endswith("/respond")
    assert count_rows(db, Response) == 1
