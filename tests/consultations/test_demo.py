"""The demo consultations: the 2019 seed consultation shows closed, the West Kent one open; loading is idempotent."""

from sqlalchemy import select

from engage.consultations.models import Consultation, ConsultationStatus
from engage.demo import load_demo
from engage.extensions import db
from tests.pages import count_rows, main_content, plain


def test_demo_consultations_load_once_with_the_real_2019_deadline(app, client):
    assert load_demo()["consultations"] == 2
    db.session.commit()
    assert load_demo()["consultations"] == 0
    db.session.commit()
    assert count_rows(db, Consultation) == 2
    seed = db.session.scalar(select(Consultation).where(Consultation.slug.like("live-your-best-life%")))
    assert seed.status == ConsultationStatus.closed
    page = plain(main_content(client.get(f"/consultations/{seed.slug}")))
    assert "Closed on Friday 16 August 2019 at 11:59pm" in page
    assert "Summary of the plans" in page and "no longer taking responses" in page
    assert "<p class" not in page
    current = db.session.scalar(select(Consultation).where(Consultation.slug == "urgent-treatment-centres-west-kent"))
    assert current.status == ConsultationStatus.open and len(current.events) == 1
    page = plain(main_content(client.get(f"/consultations/{current.slug}")))
    assert "Freepost WEST KENT HCP" in page and "Drop-in: urgent care in West Kent" in page
    listing = plain(main_content(client.get("/consultations/")))
    assert listing.index("Urgent treatment centres in West Kent") < listing.index("Creating an NHS")
