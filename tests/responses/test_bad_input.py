"""Every kind of wrong input: a clear message on the page, never a 500, nothing stored that should not be."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.responses.models import Response, ResponseDraft
from tests.conftest import csrf_token_from
from tests.pages import count_rows, page_title, plain, text_of
from tests.responses.helpers import SEND, complete_to_check, make_survey, post_page, respond_url, start, views_answers


def _at_page_three(client, q):
    start(client, q, **{f"q{q.used.id}": str(q.used.options[2].id), f"q{q.times.id}": None})


def _bad_inputs(q):
    other_option = str(q.used.options[0].id)  # an option of another question
    return [
        ("text in a number", q.times, {f"q{q.times.id}": "lots"}, 1, "Enter a whole number, like 12"),
        ("number too big", q.times, {f"q{q.times.id}": "51"}, 1, "Enter a number between 0 and 50"),
        ("number too small", q.times, {f"q{q.times.id}": "-1"}, 1, "Enter a number between 0 and 50"),
        ("missing required choice", q.used, {f"q{q.used.id}": ""}, 1, "Select an answer to: Which urgent"),
        ("option of another question", q.used, {f"q{q.used.id}": "999999"}, 1, "Choose one of the answers listed"),
        (
            "impossible date",
            q.visited,
            views_answers(
                q, **{f"q{q.visited.id}-day": "31", f"q{q.visited.id}-month": "2", f"q{q.visited.id}-year": "2026"}
            ),
            3,
            "Enter a real date",
        ),
        (
            "date missing a month",
            q.visited,
            views_answers(q, **{f"q{q.visited.id}-month": ""}),
            3,
            "The date must include a month",
        ),
        (
            "bad postcode",
            q.postcode,
            views_answers(q, **{f"q{q.postcode.id}": "NOT A POSTCODE"}),
            3,
            "Enter a real UK postcode",
        ),
        (
            "option not among the question's",
            q.travel,
            views_answers(q, **{f"q{q.travel.id}": [other_option]}),
            3,
            "Choose only answers listed",
        ),
        (
            "exclusive answer with others",
            q.travel,
            views_answers(q, **{f"q{q.travel.id}": [str(q.travel.options[0].id), str(q.travel.options[3].id)]}),
            3,
            "on its own",
        ),
        (
            "missing required checkboxes",
            q.travel,
            views_answers(q, **{f"q{q.travel.id}": None}),
            3,
            "Select at least one",
        ),
        (
            "likert answer forged",
            q.agree,
            views_answers(q, **{f"q{q.agree.id}": "abc"}),
            3,
            "Choose one of the answers",
        ),
        ("yes/no forged", q.car, views_answers(q, **{f"q{q.car.id}": "perhaps"}), 3, "Select yes or no"),
        ("rating off the scale", q.rating, views_answers(q, **{f"q{q.rating.id}": "9"}), 3, "between 1 and 5"),
        (
            "100,000 characters in a text box",
            q.comment,
            views_answers(q, **{f"q{q.comment.id}": "x" * 100_000}),
            3,
            "must be 500 characters or fewer",
        ),
    ]


CASES = [
    "text in a number",
    "number too big",
    "number too small",
    "missing required choice",
    "option of another question",
    "impossible date",
    "date missing a month",
    "bad postcode",
    "option not among the question's",
    "exclusive answer with others",
    "missing required checkboxes",
    "likert answer forged",
    "yes/no forged",
    "rating off the scale",
    "100,000 characters in a text box",
]


@pytest.mark.parametrize("case", CASES)
def test_wrong_answers_are_refused_with_a_clear_message_and_not_saved(client, db, case):
    q = make_survey()
    _at_page_three(client, q)
    name, question, data, page, message = next(c for c in _bad_inputs(q) if c[0] == case)
    if page == 1:  # the start page: the privacy notice's consent comes with the first page's answers
        response = post_page(client, respond_url(q), {"consent": "y", "respondent_type": "individual", **data})
    else:
        response = post_page(client, respond_url(q, f"/page/{page}"), data)
    assert response.status_code == 400
    assert page_title(response).startswith("Error: ")
    body = text_of(response)
    assert "There is a problem" in body
    assert message in plain(body)
    assert f'href="#q{question.id}"' in body  # the error summary links to the question
    draft = db.session.scalar(select(ResponseDraft))
    if page == 3:
        assert draft.answers.get(str(q.comment.id)) is None and draft.furthest_page == 2
    else:
        assert str(q.times.id) not in draft.answers


def test_100000_characters_in_the_long_text_box_are_refused(client, db):
    q = make_survey()
    start(client, q)
    response = post_page(client, respond_url(q, "/page/2"), {f"q{q.why.id}": "y" * 100_000})
    assert response.status_code == 400
    assert "must be 10,000 characters or fewer" in plain(text_of(response))
    assert str(q.why.id) not in db.session.scalar(select(ResponseDraft)).answers


def test_a_forged_page_order_that_skips_a_required_page_is_refused(client, db):
    q = make_survey()
    # Agreed to the privacy notice and saved, without answering the first page.
    start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": None})
    token = csrf_token_from(client.get(respond_url(q)))
    response = client.post(respond_url(q, "/page/3"), data={"csrf_token": token, **views_answers(q)})
    assert response.headers["Location"].endswith("/respond")
    assert "Answer the questions on this page first." in text_of(client.get(respond_url(q)))
    draft = db.session.scalar(select(ResponseDraft))
    assert draft.answers == {} and draft.furthest_page == 0
    # Nor can the pages after them be reached by posting to the check page.
    response = client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND})
    assert response.headers["Location"].endswith("/respond")
    assert count_rows(db, Response) == 0


def test_a_page_number_that_does_not_exist_is_not_found(client):
    q = make_survey()
    start(client, q)
    assert client.get(respond_url(q, "/page/99")).status_code == 404


def test_a_csrf_token_from_another_session_is_refused(app, client, db):
    q = make_survey()
    complete_to_check(client, q)
    other = app.test_client()
    token = csrf_token_from(other.get(respond_url(q)))
    response = client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert count_rows(db, Response) == 0
    response = client.post(
        respond_url(q),
        data={"csrf_token": token, "consent": "y", "respondent_type": "individual", f"q{q.times.id}": "9"},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(ResponseDraft)).answers[str(q.times.id)] == "3"


def _resume_link(client, q):
    start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": "2"})
    return re.search(r'id="resume-link">http://localhost([^<]+)<', text_of(client.get(respond_url(q, "/saved")))).group(
        1
    )


def test_a_forged_resume_token_gives_a_clear_page(app, client):
    q = make_survey()
    link = _resume_link(client, q)
    other = app.test_client()
    for forged in (link[:-3] + "abc", respond_url(q, "/resume/" + "A" * 43), respond_url(q, "/resume/" + "x" * 500)):
        response = other.get(forged)
        assert response.status_code == 400
        assert "This link does not work" in text_of(response)
    # A real link for one consultation does not open another's draft.
    elsewhere = make_survey()
    token = link.rsplit("/", 1)[1]
    assert other.get(respond_url(elsewhere, f"/resume/{token}")).status_code == 400


def test_a_resume_link_stops_working_when_the_consultation_closes(app, client, db):
    q = make_survey()
    link = _resume_link(client, q)
    with time_machine.travel(q.consultation.closes_at + timedelta(seconds=1), tick=False):
        response = app.test_client().get(link)
    assert response.status_code == 410
    assert "This consultation closed on" in plain(text_of(response))
    assert "stopped working when the consultation closed" in plain(text_of(response))


def test_saving_keeps_good_answers_but_still_refuses_bad_ones(client, db):
    q = make_survey()
    response = start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": "many"})
    assert response.status_code == 400
    assert "Enter a whole number" in plain(text_of(response))
    assert count_rows(db, ResponseDraft) == 0
    response = start(client, q, action="save", **{f"q{q.used.id}": None, f"q{q.times.id}": "4"})
    assert response.headers["Location"].endswith("/respond/saved")
    draft = db.session.scalar(select(ResponseDraft))
    assert draft.answers == {str(q.times.id): "4"} and draft.furthest_page == 0
