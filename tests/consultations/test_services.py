"""Consultation transitions and closing-date extensions: the rules, and the audit entries they leave."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.consultations import services
from engage.consultations.models import ClosingDateExtension, ConsultationStage, ConsultationStatus
from engage.extensions import db
from tests import factories

OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 4, 24, 22, 59, tzinfo=UTC)


@pytest.fixture
def ready(app, officer):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready, opens_at=OPENS, closes_at=CLOSES)
    db.session.commit()
    return consultation


def audit_of(obj):
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == str(obj.id))
    ).all()


def test_officer_extends_an_open_consultation_and_the_extension_is_logged(ready, officer):
    later = CLOSES + timedelta(days=7)
    with time_machine.travel(OPENS + timedelta(days=3), tick=False):
        services.extend_closing_date(ready, actor=officer, new_closes_at=later, reason="Easter fell inside it")
        db.session.commit()
    extension = db.session.scalar(select(ClosingDateExtension))
    assert (extension.old_closes_at, extension.new_closes_at, extension.extended_by_id) == (CLOSES, later, officer.id)
    assert extension.reason == "Easter fell inside it"
    assert ready.closes_at == later
    assert [e.changed_fields for e in audit_of(ready)] == [["closes_at"]]
    assert audit_of(extension)[0].changed_fields == ["new_closes_at", "old_closes_at", "reason"]
    assert "Easter" not in str(audit_of(extension)[0].changed_fields)


@pytest.mark.parametrize("new", [CLOSES, CLOSES - timedelta(days=1)])
def test_a_closing_date_never_moves_earlier_or_stays(ready, officer, new):
    with time_machine.travel(OPENS, tick=False), pytest.raises(services.TransitionError, match="later than"):
        services.extend_closing_date(ready, actor=officer, new_closes_at=new, reason="x")


def test_a_closed_consultation_cannot_be_extended(ready, officer):
    later = CLOSES + timedelta(days=9)
    with (
        time_machine.travel(CLOSES + timedelta(seconds=1), tick=False),
        pytest.raises(services.TransitionError, match="has closed"),
    ):
        services.extend_closing_date(ready, actor=officer, new_closes_at=later, reason="x")
    assert db.session.scalar(select(ClosingDateExtension)) is None


def test_the_lifecycle_from_draft_to_outcome(app, officer):
    consultation = factories.ConsultationFactory(opens_at=OPENS, closes_at=CLOSES)
    with time_machine.travel(OPENS - timedelta(days=1), tick=False):
        services.mark_ready(consultation, actor=officer)
        assert consultation.status == ConsultationStatus.scheduled
        with pytest.raises(services.TransitionError):
            services.start_analysis(consultation, actor=officer)
    with time_machine.travel(CLOSES, tick=False):
        assert consultation.status == ConsultationStatus.closed
        services.start_analysis(consultation, actor=officer)
        services.publish_outcome(consultation, actor=officer, outcome="We heard you.")
        assert consultation.status == ConsultationStatus.outcome_published


def test_a_draft_without_a_fairness_record_cannot_be_made_ready(app, officer):
    consultation = factories.ConsultationFactory(fairness_length=" ")
    with pytest.raises(services.TransitionError, match="fairness record"):
        services.mark_ready(consultation, actor=officer)
    assert consultation.stage == ConsultationStage.draft


def test_an_open_consultation_cannot_go_back_to_draft(ready, officer):
    with time_machine.travel(OPENS, tick=False), pytest.raises(services.TransitionError):
        services.return_to_draft(ready, actor=officer)
