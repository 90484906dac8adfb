"""Keying in offline responses through the real officer form (CSRF token taken from the page)."""

from datetime import timedelta

from engage.dates import now_utc, to_london
from tests.conftest import csrf_token_from
from tests.responses.helpers import make_survey, views_answers  # noqa: F401  (re-exported for the tests)


def key_url(q):
    return f"/consultations/manage/{q.consultation.id}/responses/new"


def list_url(consultation):
    return f"/consultations/manage/{consultation.id}/responses"


def response_url(response):
    return f"/consultations/manage/{response.consultation_id}/responses/{response.id}"


def yesterday():
    return (to_london(now_utc()) - timedelta(days=1)).date()


def keyed_answers(q, *, used=0, **overrides):
    values = {
        f"q{q.used.id}": str(q.used.options[used].id),
        f"q{q.times.id}": "3",
        f"q{q.why.id}": "It is nearer to my work." if used == 0 else "",
        **views_answers(q),
        f"q{q.age.id}": str(q.age.options[1].id),
        f"q{q.district.id}": "me14",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def keying_data(q, *, channel="post", received_on=None, **overrides):
    data = {
        "channel": channel,
        "received_on": (received_on or yesterday()).isoformat(),
        "respondent_type": "individual",
        "organisation_name": "",
        "name": "Pat Jones",
        "email": "",
        "publish_consent": "anonymous",
        **keyed_answers(q),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def key(client, q, data, url=None):
    url = url or key_url(q)
    token = csrf_token_from(client.get(url))
    return client.post(url, data={"csrf_token": token, **data}, content_type="multipart/form-data")
