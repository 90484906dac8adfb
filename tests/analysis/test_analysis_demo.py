"""The demo's open consultation has enough responses for every analysis page to show real figures."""

from sqlalchemy import select

from engage.consultations.models import Consultation
from engage.demo import load_demo
from engage.extensions import db
from tests.pages import main_content, plain


def test_the_demo_analysis_pages_show_charts_suppression_and_under_represented_groups(app, client, login_as):
    load_demo()
    db.session.commit()
    from engage.accounts.services import find_user_by_email

    login_as(find_user_by_email("officer@example.org"))
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == "urgent-treatment-centres-west-kent")
    )
    base = f"/consultations/manage/{consultation.id}/analysis"
    questions = client.get(base)
    assert questions.status_code == 200
    assert main_content(questions).count("<svg") >= 5
    equality = client.get(f"{base}/equality")
    assert equality.status_code == 200
    assert "Not shown" in plain(main_content(equality))
    representativeness = client.get(f"{base}/representativeness")
    text = plain(main_content(representativeness))
    assert representativeness.status_code == 200
    assert "Under-represented" in text and "Sevenoaks" in text and "Estimate for demonstration" in text
    first = consultation.survey.pages[0].questions[0]
    for by in ("place", "age", "respondent_type", "channel"):
        page = client.get(f"{base}/cross-tab", query_string={"question": first.id, "by": by})
        assert page.status_code == 200, by
    exported = client.get(f"{base}/tables.csv")
    assert exported.status_code == 200 and "Representativeness" in exported.get_data(as_text=True)
