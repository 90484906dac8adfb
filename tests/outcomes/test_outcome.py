"""The outcome: themes with what people said, decisions with owner, due date and progress ("you said, we
did"), publishing, the public outcome page, updates after publication, and the consultation record."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.consultations.models import ClosingDateExtension, ConsultationStage
from engage.dates import now_utc
from engage.outcomes.models import DecisionStatus, DecisionUpdate, OutcomeDecision, OutcomeTheme
from engage.publishing.models import ResponseRedaction
from engage.responses.models import AnalysisStatus, PublishConsent
from tests import factories
from tests.conftest import csrf_token_from
from tests.outcomes.helpers import QUOTE, analysed_consultation, outcome_url
from tests.pages import main_content, plain, text_of


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _add_theme(post_form, q, you_said="People said the buses stop too early."):
    return post_form(f"{outcome_url(q)}/themes/new", {"theme": str(q.theme.id), "you_said": you_said})


def _decision_data(**overrides):
    return {
        "decision": "Ask the bus company to run a later service",
        "owner": "Transport lead, Kent County Council",
        "due_on": "2027-03-31",
        "status": "planned",
        "progress": "",
        "reason": "",
        **overrides,
    }


def _publish(post_form, q, summary="We will keep **both** centres open. <script>x</script>"):
    return post_form(outcome_url(q), {"outcome": summary, "action": "publish"})


def test_an_officer_writes_themes_and_decisions_and_publishes_the_outcome(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    login_as(officer)
    assert _add_theme(post_form, q).status_code == 302
    entry = db.session.scalar(select(OutcomeTheme))
    sent = post_form(f"{outcome_url(q)}/themes/{entry.id}/decisions/new", _decision_data())
    assert sent.status_code == 302, text_of(sent)
    decision = db.session.scalar(select(OutcomeDecision))
    assert decision.status == DecisionStatus.planned and decision.due_on == date(2027, 3, 31)
    assert [u.status for u in decision.updates] == [DecisionStatus.planned]

    workspace = plain(main_content(client.get(outcome_url(q))))
    assert "Transport <after> dark" in workspace and "Ask the bus company" in workspace
    assert f"“{QUOTE} – Pat Jones, 12 High Street.”" in workspace

    published = _publish(post_form, q)
    assert published.status_code == 302
    db.session.refresh(q.consultation)
    assert q.consultation.stage == ConsultationStage.outcome_published

    page = client.get(f"/consultations/{q.consultation.slug}/outcome")
    assert page.status_code == 200
    html = main_content(page)
    words = plain(html)
    assert "<strong>both</strong>" in html and "<script>x</script>" not in html
    assert "Transport &lt;after&gt; dark" in html and "<after>" not in html
    assert "We received 3 responses in 2 ways" in words  # the duplicate is not counted
    assert re.search(r"Online survey\s*2", words) and re.search(r"Post\s*1", words)
    assert "Which urgent treatment centre have you used?" in words  # the closed question's chart and table
    assert re.search(r"Maidstone\s*2\s*67%", words) and re.search(r"Tunbridge Wells\s*1\s*33%", words)
    assert "People said the buses stop too early." in words
    assert "Ask the bus company to run a later service" in words and "Planned" in words
    assert "Transport lead, Kent County Council" in words and "31 March 2027" in words
    assert QUOTE in words
    for identity in ("Resident Name", "resident0@example.org"):
        assert identity not in words
    detail = plain(main_content(client.get(f"/consultations/{q.consultation.slug}")))
    assert "Read the full outcome" in detail


def test_quotes_apply_redactions_and_leave_out_respondents_who_said_no(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    answer = q.quoted_answer
    start = answer.text.index("Pat Jones")
    db.session.add(
        ResponseRedaction(
            response_id=answer.response_id,
            answer_id=answer.id,
            start_offset=start,
            end_offset=len(answer.text) - 1,
            reason="Identifies the respondent",
        )
    )
    db.session.commit()
    login_as(officer)
    _add_theme(post_form, q)
    _publish(post_form, q)
    words = plain(main_content(client.get(f"/consultations/{q.consultation.slug}/outcome")))
    assert f"{QUOTE} – [redacted]." in words and "Pat Jones" not in words and "High Street" not in words

    q.responses[0].publish_consent = PublishConsent.no
    db.session.commit()
    words = plain(main_content(client.get(f"/consultations/{q.consultation.slug}/outcome")))
    assert QUOTE not in words
    workspace = plain(main_content(client.get(outcome_url(q))))
    assert "1 picked quote is not shown publicly" in workspace


def test_not_taken_forward_needs_a_reason_and_bad_input_stores_nothing(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    login_as(officer)
    _add_theme(post_form, q)
    entry = db.session.scalar(select(OutcomeTheme))
    url = f"{outcome_url(q)}/themes/{entry.id}/decisions/new"
    no_reason = post_form(url, _decision_data(status="not_taken_forward"))
    assert no_reason.status_code == 400 and "Enter why it was not taken forward" in text_of(no_reason)
    for bad in (
        _decision_data(due_on="31/02/2027"),
        _decision_data(status="cancelled"),
        _decision_data(owner=""),
        _decision_data(decision="x" * 5001),
        _decision_data(due_on=""),
    ):
        assert post_form(url, bad).status_code == 400
    assert _count(db, OutcomeDecision) == 0 and _count(db, DecisionUpdate) == 0

    assert _add_theme(post_form, q).status_code == 400  # already in the outcome
    assert post_form(f"{outcome_url(q)}/themes/new", {"theme": "999999", "you_said": "x"}).status_code == 400
    assert post_form(f"{outcome_url(q)}/themes/new", {"theme": str(q.theme.id), "you_said": " "}).status_code == 400
    assert _count(db, OutcomeTheme) == 1
    assert post_form(outcome_url(q), {"outcome": "  ", "action": "publish"}).status_code == 400
    db.session.refresh(q.consultation)
    assert q.consultation.stage == ConsultationStage.analysing


def test_progress_updates_after_publication_show_publicly_with_their_date(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    login_as(officer)
    _add_theme(post_form, q)
    entry = db.session.scalar(select(OutcomeTheme))
    post_form(f"{outcome_url(q)}/themes/{entry.id}/decisions/new", _decision_data())
    decision = db.session.scalar(select(OutcomeDecision))
    _publish(post_form, q)
    progress_url = f"{outcome_url(q)}/decisions/{decision.id}/progress"

    nothing = post_form(progress_url, {"status": "planned", "progress": "", "reason": ""})
    assert nothing.status_code == 400 and "Change the status or write what has happened" in text_of(nothing)
    no_reason = post_form(progress_url, {"status": "not_taken_forward", "progress": "", "reason": ""})
    assert no_reason.status_code == 400 and "Enter why it was not taken forward" in text_of(no_reason)
    assert len(db.session.scalars(select(DecisionUpdate)).all()) == 1

    moved = post_form(progress_url, {"status": "in_progress", "progress": "Talks with the <bus> company began."})
    assert moved.status_code == 302
    db.session.refresh(decision)
    assert decision.status == DecisionStatus.in_progress
    page = main_content(client.get(f"/consultations/{q.consultation.slug}/outcome"))
    words = plain(page)
    today = f"{now_utc():%-d %B %Y}"
    assert "In progress" in words and f"{today}: Update – In progress. Talks with the <bus> company began." in words
    assert f"{today}: Decision recorded – Planned" in words
    assert "&lt;bus&gt;" in page

    dropped = post_form(progress_url, {"status": "not_taken_forward", "reason": "The route was withdrawn."})
    assert dropped.status_code == 302
    words = plain(main_content(client.get(f"/consultations/{q.consultation.slug}/outcome")))
    assert "Not taken forward" in words and "Why it was not taken forward The route was withdrawn." in words
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "outcome_decisions", AuditEntry.action == "update")
    ).all()
    assert len(audited) == 2 and "status" in audited[-1].changed_fields

    # A published outcome keeps its themes and decisions.
    removed = post_form(f"{outcome_url(q)}/themes/{entry.id}/delete", {}, form_url=outcome_url(q))
    assert removed.status_code == 302 and _count(db, OutcomeTheme) == 1


def test_the_unread_gate_still_holds_and_a_draft_summary_can_be_saved(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    q.responses[1].analysis_status = AnalysisStatus.unread
    db.session.commit()
    login_as(officer)
    refused = _publish(post_form, q)
    assert refused.status_code == 400 and "1 response is still unread" in plain(text_of(refused))
    saved = post_form(outcome_url(q), {"outcome": "Draft words", "action": "save"})
    assert saved.status_code == 302
    db.session.refresh(q.consultation)
    assert q.consultation.outcome == "Draft words" and q.consultation.stage == ConsultationStage.analysing
    assert client.get(f"/consultations/{q.consultation.slug}/outcome").status_code == 302  # not published yet


def test_the_public_outcome_page_is_not_there_for_drafts(db, client):
    consultation = factories.ConsultationFactory()
    db.session.commit()
    assert client.get(f"/consultations/{consultation.slug}/outcome").status_code == 404


def test_the_consultation_record_gathers_the_evidence_for_staff_only(
    db, client, login_as, officer, reviewer, post_form
):
    q = analysed_consultation()
    consultation = q.consultation
    factories.ConsultationDocumentFactory(consultation=consultation, title="Full proposals")
    request = factories.FormatRequestFactory(
        consultation=consultation, name="Requester Person", fulfilled_at=now_utc(), fulfilled_by_id=officer.id
    )
    db.session.add(
        ClosingDateExtension(
            consultation_id=consultation.id,
            old_closes_at=consultation.closes_at - timedelta(days=7),
            new_closes_at=consultation.closes_at,
            reason="Easy read version was late",
            extended_by_id=officer.id,
        )
    )
    db.session.commit()
    login_as(officer)
    _add_theme(post_form, q)
    entry = db.session.scalar(select(OutcomeTheme))
    post_form(f"{outcome_url(q)}/themes/{entry.id}/decisions/new", _decision_data())
    _publish(post_form, q, "We heard you.")

    login_as(reviewer)
    page = client.get(f"/consultations/manage/{consultation.id}/record")
    assert page.status_code == 200
    html = main_content(page)
    words = plain(html)
    assert "Consultation record for scrutiny" in words
    assert "&lt;script&gt;" in html and "<script>alert" not in html  # the fairness record, escaped
    assert "Full proposals" in words and "Easy read version was late" in words
    assert request.format_label in words and "Requester Person" not in words
    assert re.search(r"Online survey\s*2", words) and re.search(r"Total\s*3", words)
    assert "100% analysed" in words
    assert "Transport <after> dark: 1 response" in words
    assert "Ask the bus company to run a later service" in words
    assert f"Recorded by {officer.name}" in words
    assert re.search(rf"{re.escape(officer.name)}\s*Update consultation: outcome, outcome published at, stage", words)
    assert "Print this record" in html and "hidden" in html

    anonymous = client.application.test_client()
    assert anonymous.get(f"/consultations/manage/{consultation.id}/record").status_code == 302


def test_theme_and_decision_pages_refuse_other_consultations_objects(db, client, login_as, officer, post_form):
    q = analysed_consultation()
    login_as(officer)
    _add_theme(post_form, q)
    entry = db.session.scalar(select(OutcomeTheme))
    other = factories.ConsultationFactory(stage=ConsultationStage.analysing)
    db.session.commit()
    assert client.get(f"/consultations/manage/{other.id}/outcome/themes/{entry.id}").status_code == 404
    assert client.get(f"/consultations/manage/{other.id}/outcome/themes/{entry.id}/decisions/new").status_code == 404
    token = csrf_token_from(client.get(outcome_url(q)))
    gone = client.post(f"/consultations/manage/{other.id}/outcome/themes/{entry.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 404 and _count(db, OutcomeTheme) == 1
