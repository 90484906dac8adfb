"""Officers preview the survey with the residents' own templates; closed consultations refuse answers."""

from datetime import timedelta

from engage.dates import now_utc
from tests.pages import main_content, page_title, plain, text_of
from tests.responses.helpers import make_survey, respond_url


def test_an_officer_previews_every_page_with_every_question_and_its_condition(client, login_as, reviewer):
    q = make_survey()
    login_as(reviewer)
    url = f"/consultations/manage/{q.consultation.id}/survey/preview"
    first = client.get(url)
    assert first.status_code == 200
    body = plain(main_content(first))
    assert "Preview: answers are not saved" in body
    assert "Which urgent treatment centre have you used?" in body and "Page 1 of 4" in body
    assert 'name="action"' not in text_of(first) and "Save and come back later" not in body
    assert f"{url}?page=2" in text_of(first)
    second = client.get(f"{url}?page=2")
    # The show-if question is shown, with its condition in words.
    assert "Why did you choose Maidstone?" in plain(text_of(second))
    assert "Shown only if the answer to “Which urgent treatment centre have you used?” is “Maidstone”" in plain(
        text_of(second)
    )
    assert f"{url}?page=1" in text_of(second) and f"{url}?page=3" in text_of(second)
    third = client.get(f"{url}?page=3")
    # The same components residents get: NHS date input, checkboxes, radios.
    for marker in ("nhsuk-date-input", "nhsuk-checkboxes", "nhsuk-radios", "nhsuk-input--width-10"):
        assert marker in text_of(third)
    assert client.get(f"{url}?page=99").status_code == 200
    assert client.get(f"{url}?page=-3").status_code == 200


def test_residents_cannot_preview(client):
    q = make_survey()
    response = client.get(f"/consultations/manage/{q.consultation.id}/survey/preview")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_preview_of_a_survey_without_questions_says_so(client, login_as, officer):
    from tests import factories

    consultation = factories.ConsultationFactory()
    factories.db.session.commit()
    login_as(officer)
    response = client.get(f"/consultations/manage/{consultation.id}/survey/preview")
    assert "has no questions yet" in plain(text_of(response))


def test_a_closed_consultation_takes_no_responses(client):
    q = make_survey(closes_at=now_utc() - timedelta(minutes=1))
    for tail in ("", "/page/1", "/check"):
        response = client.get(respond_url(q, tail))
        assert response.status_code == 410
        assert page_title(response).startswith("This consultation has closed")
        assert "This consultation closed on" in plain(text_of(response))
