"""Retention: respondents' personal details go a set time after the outcome; answers stay."""

from datetime import timedelta

from sqlalchemy import select

from engage.analysis.models import ResponseScan
from engage.audit import AuditEntry
from engage.consultations import services as consultation_services
from engage.consultations.models import ConsultationStage
from engage.dataprotection.anonymise import REMOVED_TEXT
from engage.dates import now_utc
from engage.responses.models import Answer, EqualityAnswer, Response, ResponseDraft
from engage.storage import get_storage
from engage.surveys.models import QuestionKind
from tests import factories

SCAN_KEY = "c" * 32


def published_consultation(days_ago):
    return factories.ConsultationFactory(
        stage=ConsultationStage.outcome_published,
        outcome_published_at=now_utc() - timedelta(days=days_ago),
    )


def response_with_answers(consultation):
    survey = factories.SurveyFactory(consultation=consultation)
    page = factories.SurveyPageFactory(survey=survey, position=1)
    postcode = factories.QuestionFactory(page=page, position=1, kind=QuestionKind.postcode)
    story = factories.QuestionFactory(page=page, position=2, kind=QuestionKind.long_text)
    other = factories.QuestionFactory(page=page, position=3, kind=QuestionKind.long_text)
    equality = factories.SurveyPageFactory(survey=survey, position=2, is_equality=True)
    district = factories.QuestionFactory(page=equality, position=1, equality_key="postcode_district")
    response = factories.ResponseFactory(
        consultation=consultation, name="Jo Bloggs", email="jo@example.org", organisation_name="Age UK Maidstone"
    )
    response.network_hash = "a" * 64
    db = factories.db
    db.session.add_all(
        [
            Answer(response=response, question_id=postcode.id, text="ME14 1XX"),
            Answer(
                response=response, question_id=story.id, text="My neighbour Mrs Smith at 4 Elm Road", identifying=True
            ),
            Answer(response=response, question_id=other.id, text="The bus is late"),
            EqualityAnswer(response_id=response.id, question_id=district.id, text="ME14"),
            ResponseDraft(
                consultation_id=consultation.id,
                key=f"draft-{consultation.id}",
                details={"email": "someone@example.org"},
                answers={},
                expires_at=now_utc(),
            ),
        ]
    )
    db.session.flush()
    return response


def test_retention_removes_personal_details_keeps_answers_and_a_second_run_changes_nothing(app, runner, db):
    old = published_consultation(days_ago=400)
    recent = published_consultation(days_ago=30)
    old_response = response_with_answers(old)
    recent_response = response_with_answers(recent)
    storage = get_storage()
    storage.put(SCAN_KEY, b"Jo Bloggs, 4 Elm Road", "text/plain")
    db.session.add(
        ResponseScan(
            response_id=old_response.id,
            storage_key=SCAN_KEY,
            filename="letter.txt",
            content_type="text/plain",
            size=21,
            sha256="0" * 64,
        )
    )
    db.session.commit()

    result = runner.invoke(args=["retention", "apply"])

    assert result.exit_code == 0, result.output
    assert "1 consultation(s)" in result.output
    assert "1 response(s) had names or emails removed, 1 postcode(s) cut to the district" in result.output
    assert "1 identifying answer(s) removed, 1 scan(s) of paper responses deleted" in result.output
    assert "1 unfinished draft(s) deleted." in result.output
    assert "jo@example.org" not in result.output
    db.session.expire_all()
    cleared = db.session.get(Response, old_response.id)
    assert (cleared.name, cleared.email, cleared.network_hash) == ("", "", "")
    assert cleared.organisation_name == "Age UK Maidstone"  # organisations are not people
    texts = sorted(a.text for a in cleared.answers)
    assert texts == sorted(["ME14", REMOVED_TEXT, "The bus is late"])
    assert len(cleared.equality_answers) == 1
    assert db.session.scalar(select(ResponseScan)) is None
    assert not storage.exists(SCAN_KEY)
    # The recent consultation is untouched.
    kept = db.session.get(Response, recent_response.id)
    assert (kept.name, kept.email) == ("Jo Bloggs", "jo@example.org")
    assert "ME14 1XX" in [a.text for a in kept.answers]
    assert db.session.scalar(select(ResponseDraft).where(ResponseDraft.consultation_id == recent.id)) is not None
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "consultations")).all()
    assert entry.object_id == str(old.id)
    assert "retention:responses=1" in entry.changed_fields
    assert not any("@" in f or "ME14" in f for f in entry.changed_fields)

    again = runner.invoke(args=["retention", "apply"])

    assert again.exit_code == 0
    assert "0 consultation(s)" in again.output
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.id != entry.id)) is None


def test_drafts_of_a_consultation_closed_over_a_week_ago_are_deleted_outcome_or_not(app, runner, db):
    def draft(closed_days_ago):
        consultation = factories.ConsultationFactory(
            stage=ConsultationStage.ready,
            opens_at=now_utc() - timedelta(days=60),
            closes_at=now_utc() - timedelta(days=closed_days_ago),
        )
        db.session.add(
            ResponseDraft(
                consultation_id=consultation.id,
                key=f"draft-{consultation.id}",
                details={"email": "someone@example.org"},
                answers={},
                expires_at=consultation.closes_at,
            )
        )
        return consultation

    long_closed, just_closed, still_open = draft(10), draft(2), draft(-5)
    db.session.commit()

    result = runner.invoke(args=["retention", "apply"])

    assert "1 unfinished draft(s) of other closed consultations deleted" in result.output
    left = set(db.session.scalars(select(ResponseDraft.consultation_id)))
    assert left == {just_closed.id, still_open.id}
    assert long_closed.id not in left
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "response_drafts")).all()
    assert entry.changed_fields == ["drafts=1"]


def test_the_retention_period_is_a_setting(make_app):
    app = make_app(RESPONSE_RETENTION_DAYS=10)
    with app.app_context():
        consultation = published_consultation(days_ago=11)
        response_with_answers(consultation)
        factories.db.session.commit()
        result = app.test_cli_runner().invoke(args=["retention", "apply"])
        assert "1 consultation(s)" in result.output


def test_publishing_an_outcome_records_when(app, db):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.analysing)
    before = now_utc()
    consultation_services.publish_outcome(consultation, actor=None, outcome="We will keep the centre open.")
    assert consultation.outcome_published_at >= before
