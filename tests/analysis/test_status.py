"""Every response has an analysis status; the outcome waits for unread responses unless told why."""

from datetime import timedelta

from engage.consultations.models import ConsultationStage
from engage.dates import now_utc
from engage.responses.models import AnalysisStatus
from tests import factories
from tests.analysis.helpers import list_url, response_url


def _analysing(count=2):
    consultation = factories.ConsultationFactory(
        stage=ConsultationStage.analysing,
        opens_at=now_utc() - timedelta(days=30),
        closes_at=now_utc() - timedelta(days=2),
    )
    responses = [factories.ResponseFactory(consultation=consultation) for _ in range(count)]
    factories.db.session.commit()
    return consultation, responses


def test_opening_a_response_marks_it_read_and_the_percentage_analysed_moves(db, client, login_as, officer):
    consultation, (first, second) = _analysing()
    login_as(officer)
    detail = f"/consultations/manage/{consultation.id}"
    assert "0% analysed" in client.get(detail).get_data(as_text=True)
    assert first.analysis_status == AnalysisStatus.unread
    client.get(response_url(first))
    assert first.analysis_status == AnalysisStatus.read
    assert "50% analysed" in client.get(detail).get_data(as_text=True)
    assert "1 unread, 1 read, 0 coded" in client.get(list_url(consultation)).get_data(as_text=True)


def test_an_officer_sets_the_status_by_hand(db, client, login_as, officer, post_form):
    consultation, (first, _second) = _analysing()
    login_as(officer)
    sent = post_form(response_url(first) + "/status", {"status": "coded"}, form_url=response_url(first))
    assert sent.status_code == 302
    assert first.analysis_status == AnalysisStatus.coded
    post_form(response_url(first) + "/status", {"status": "nonsense"}, form_url=response_url(first))
    assert first.analysis_status == AnalysisStatus.coded
    filtered = client.get(list_url(consultation), query_string={"status": "coded"}).get_data(as_text=True)
    assert first.reference in filtered


def test_the_outcome_is_refused_while_responses_are_unread(db, client, login_as, officer, post_form):
    consultation, (first, second) = _analysing()
    login_as(officer)
    url = f"/consultations/manage/{consultation.id}/outcome"
    sent = post_form(url, {"outcome": "We will keep both centres open."})
    assert sent.status_code == 400
    assert "2 responses are still unread" in sent.get_data(as_text=True)
    assert consultation.stage == ConsultationStage.analysing


def test_the_outcome_is_published_with_unread_responses_once_an_officer_records_why(
    db, client, login_as, officer, post_form
):
    consultation, (first, second) = _analysing()
    login_as(officer)
    reason_url = f"/consultations/manage/{consultation.id}/responses/unread-reason"
    empty = post_form(reason_url, {"reason": "  "})
    assert empty.status_code == 400
    assert "Enter why the outcome may be published" in empty.get_data(as_text=True)
    post_form(reason_url, {"reason": "Two late duplicates of a petition; the board met on the 3rd"})
    detail = client.get(f"/consultations/manage/{consultation.id}").get_data(as_text=True)
    assert "the board met on the 3rd" in detail
    sent = post_form(f"/consultations/manage/{consultation.id}/outcome", {"outcome": "We will keep both open."})
    assert sent.status_code == 302
    assert consultation.stage == ConsultationStage.outcome_published


def test_duplicates_do_not_hold_up_the_outcome(db, client, login_as, officer, post_form):
    consultation, (first, second) = _analysing()
    login_as(officer)
    client.get(response_url(first))
    second.duplicate = True
    db.session.commit()
    sent = post_form(f"/consultations/manage/{consultation.id}/outcome", {"outcome": "We will keep both open."})
    assert sent.status_code == 302
