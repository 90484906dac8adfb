"""The demo has a consultation with a published outcome (decisions at every status) and published responses."""

from engage.demo import OUTCOME_SLUG, load_demo
from engage.extensions import db
from tests.pages import main_content, plain


def test_the_demo_outcome_loads_once_and_shows_decisions_quotes_and_published_responses(app, client, login_as):
    assert load_demo()["published outcomes"] == 1
    db.session.commit()
    assert load_demo()["published outcomes"] == 0
    page = client.get(f"/consultations/{OUTCOME_SLUG}/outcome")
    assert page.status_code == 200
    words = plain(main_content(page))
    assert "We received 48 responses in 4 ways" in words
    for status in ("Planned", "In progress", "Done", "Not taken forward"):
        assert status in words
    assert "Respondents valued the group sessions" in words
    assert "Demo Respondent" not in words
    published = plain(main_content(client.get(f"/consultations/{OUTCOME_SLUG}/published-responses")))
    assert "[redacted]" in published and "Maidstone Hospital" not in published
    assert "Demo Respondent 2" in published  # asked to be named
    assert "Demo Respondent 1 " not in published + " "  # asked not to be named

    from sqlalchemy import select

    from engage.accounts.models import User
    from engage.consultations.models import Consultation

    login_as(db.session.scalar(select(User).where(User.email == "reviewer@example.org")))
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == OUTCOME_SLUG))
    record = plain(main_content(client.get(f"/consultations/manage/{consultation.id}/record")))
    assert "The proposal in full (demonstration link)" in record
    assert "The easy read version was published a week late" in record and "Large print" in record
