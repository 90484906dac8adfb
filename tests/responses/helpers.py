"""A four-page survey with every question type, a show-if question and an equality page, and a
resident who answers it through the real pages (CSRF tokens taken from each page)."""

import re
from types import SimpleNamespace

from engage.consultations.models import ConsultationStage
from engage.surveys.models import QuestionKind
from tests import factories
from tests.conftest import csrf_token_from

REFERENCE_RE = re.compile(r"\b([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})\b")


def make_survey(**consultation_values):
    """An open consultation whose survey has four pages; returns the consultation and its questions."""
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready, **consultation_values)
    survey = factories.SurveyFactory(consultation=consultation, privacy_notice="We keep your answers **safely**.")
    visits = factories.SurveyPageFactory(survey=survey, position=1, title="Your visits")
    why = factories.SurveyPageFactory(survey=survey, position=2, title="Why Maidstone")
    views = factories.SurveyPageFactory(survey=survey, position=3, title="Your views")
    equality = factories.SurveyPageFactory(survey=survey, position=4, title="About you", is_equality=True)
    q = SimpleNamespace(consultation=consultation, survey=survey)
    q.used = factories.QuestionFactory(
        page=visits,
        position=1,
        kind=QuestionKind.single_choice,
        text="Which urgent treatment centre have you used?",
        help_text="",
        required=True,
        options=["Maidstone", "Tunbridge Wells", "Neither"],
    )
    q.times = factories.QuestionFactory(
        page=visits, position=2, kind=QuestionKind.number, text="How many times last year?", min_value=0, max_value=50
    )
    q.why = factories.QuestionFactory(
        page=why,
        position=1,
        kind=QuestionKind.long_text,
        text="Why did you choose Maidstone?",
        required=True,
        show_if_question_id=q.used.id,
        show_if_value=str(q.used.options[0].id),
    )
    q.travel = factories.QuestionFactory(
        page=views,
        position=1,
        kind=QuestionKind.multiple_choice,
        text="What makes it hard to get there?",
        required=True,
        options=["Parking", "Buses", "Opening hours", "None of these"],
    )
    q.travel.options[3].is_exclusive = True
    q.agree = factories.QuestionFactory(
        page=views,
        position=2,
        kind=QuestionKind.likert,
        text="Centres should open until midnight",
        options=["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"],
    )
    q.car = factories.QuestionFactory(page=views, position=3, kind=QuestionKind.yes_no, text="Do you drive?")
    q.rating = factories.QuestionFactory(page=views, position=4, kind=QuestionKind.rating, text="Rate your last visit")
    q.visited = factories.QuestionFactory(page=views, position=5, kind=QuestionKind.date, text="When did you last go?")
    q.postcode = factories.QuestionFactory(page=views, position=6, kind=QuestionKind.postcode, text="Your postcode")
    q.comment = factories.QuestionFactory(page=views, position=7, kind=QuestionKind.short_text, text="Anything else?")
    q.age = factories.QuestionFactory(
        page=equality,
        position=1,
        kind=QuestionKind.single_choice,
        text="Your age",
        equality_key="age_band",
        options=["Under 18", "18 to 64", "65 or over", "Prefer not to say"],
    )
    q.district = factories.QuestionFactory(
        page=equality,
        position=2,
        kind=QuestionKind.short_text,
        text="First half of your postcode",
        equality_key="postcode_district",
    )
    factories.db.session.commit()
    return q


def respond_url(q, tail=""):
    return f"/consultations/{q.consultation.slug}/respond{tail}"


def post_page(client, url, data):
    """GET ``url`` for its CSRF token, then POST ``data`` to it."""
    token = csrf_token_from(client.get(url))
    return client.post(url, data={"csrf_token": token, **data})


def page_one(q, used=0):
    """The first page's answers: a centre (``used`` picks which; 0 is Maidstone) and three visits."""
    return {f"q{q.used.id}": str(q.used.options[used].id), f"q{q.times.id}": "3"}


def start(client, q, **data):
    """POST the start page: consent, as an individual, and the first page's answers (``data`` overrides;
    a value of None leaves that field out)."""
    values = {"consent": "y", "respondent_type": "individual", **page_one(q), **data}
    return post_page(client, respond_url(q), {k: v for k, v in values.items() if v is not None})


def views_answers(q, **overrides):
    values = {
        f"q{q.travel.id}": [str(q.travel.options[0].id), str(q.travel.options[1].id)],
        f"q{q.agree.id}": str(q.agree.options[1].id),
        f"q{q.car.id}": "yes",
        f"q{q.rating.id}": "4",
        f"q{q.visited.id}-day": "3",
        f"q{q.visited.id}-month": "11",
        f"q{q.visited.id}-year": "2026",
        f"q{q.postcode.id}": "me14 1rf",
        f"q{q.comment.id}": "More parking please",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def complete_to_check(client, q, *, used=0, views=None):
    """Answer every page; return the check page response."""
    start(client, q, **page_one(q, used))
    if used == 0:
        post_page(client, respond_url(q, "/page/2"), {f"q{q.why.id}": "It is nearer to my work."})
    post_page(client, respond_url(q, "/page/3"), views or views_answers(q))
    post_page(
        client, respond_url(q, "/page/4"), {f"q{q.age.id}": str(q.age.options[1].id), f"q{q.district.id}": "me14"}
    )
    return client.get(respond_url(q, "/check"))


#: What "Send response" on the check page needs besides the CSRF token: the publishing choice.
SEND = {"publish_consent": "anonymous"}


def submit(client, q, **data):
    """Send the response from the check page (anonymous publishing unless ``data`` says otherwise)."""
    return post_page(client, respond_url(q, "/check"), {**SEND, **data})
