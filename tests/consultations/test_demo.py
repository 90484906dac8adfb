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
    assert count_rows(db, Consultation) == 3  # and the one with a published outcome (tests/outcomes/test_demo.py)
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


def test_the_open_demo_consultation_has_a_survey_with_the_equality_section_and_300_responses(app):
    import re
    from collections import defaultdict

    from engage.responses.models import Answer, EqualityAnswer, Response, ResponseChannel
    from engage.surveys.models import QuestionKind

    assert load_demo()["survey responses"] == 300
    db.session.commit()
    assert load_demo()["survey responses"] == 0
    db.session.commit()
    current = db.session.scalar(select(Consultation).where(Consultation.slug == "urgent-treatment-centres-west-kent"))
    survey = current.survey
    ordinary = [q for page in survey.pages if not page.is_equality for q in page.questions]
    assert len(ordinary) == 10 and len([p for p in survey.pages if not p.is_equality]) == 2
    assert survey.pages[-1].is_equality and len(survey.pages[-1].questions) == 10
    kinds = {q.kind for q in ordinary}
    assert {QuestionKind.likert, QuestionKind.multiple_choice, QuestionKind.rating, QuestionKind.postcode} <= kinds
    conditional = [q for q in ordinary if q.show_if_question_id]
    assert conditional and all(q.show_if_question.page.position < q.page.position for q in conditional)

    responses = db.session.scalars(select(Response).where(Response.consultation_id == current.id)).all()
    assert len(responses) == 300
    references = [r.reference for r in responses]
    assert len(set(references)) == 300
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", ref) for ref in references)
    channels = {channel: sum(r.channel == channel for r in responses) for channel in ResponseChannel}
    assert channels[ResponseChannel.online] > 200 and channels[ResponseChannel.post] and channels[ResponseChannel.email]

    answered = defaultdict(dict)
    for answer in db.session.scalars(select(Answer)):
        answered[answer.response_id].setdefault(answer.question_id, []).append(answer)
    for response in responses:
        given = answered[response.id]
        for question in ordinary:
            shown = question.show_if_question_id is None or any(
                a.text == question.show_if_value or str(a.option_id) == question.show_if_value
                for a in given.get(question.show_if_question_id, [])
            )
            if not shown:
                assert question.id not in given
            elif question.required:
                assert question.id in given
    equality_ids = {q.id for q in survey.pages[-1].questions}
    stored = db.session.scalars(select(EqualityAnswer.question_id)).all()
    assert len(stored) > 1000 and set(stored) <= equality_ids
    assert not equality_ids & {a.question_id for a in db.session.scalars(select(Answer))}
