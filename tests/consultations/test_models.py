"""Status from the stored stage and the clock, in Python and in SQL, at every boundary."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engage.consultations.models import Consultation, ConsultationStage, ConsultationStatus
from engage.extensions import db
from tests import factories

SECOND = timedelta(seconds=1)
# Opens 9am BST on Saturday 26 October 2019; closes 9am GMT on Monday 28 October, after the clocks went back.
OPENS = datetime(2019, 10, 26, 8, 0, tzinfo=UTC)
CLOSES = datetime(2019, 10, 28, 9, 0, tzinfo=UTC)


def status_in_sql(consultation):
    return db.session.scalar(select(Consultation.status).where(Consultation.id == consultation.id))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (OPENS - SECOND, ConsultationStatus.scheduled),
        (OPENS, ConsultationStatus.open),
        (OPENS + SECOND, ConsultationStatus.open),
        (datetime(2019, 10, 27, 1, 30, tzinfo=UTC), ConsultationStatus.open),  # during the repeated hour
        (CLOSES - SECOND, ConsultationStatus.open),
        (CLOSES, ConsultationStatus.closed),
        (CLOSES + SECOND, ConsultationStatus.closed),
    ],
)
def test_a_ready_consultation_moves_on_by_the_clock(app, when, expected):
    consultation = factories.ConsultationFactory(stage=ConsultationStage.ready, opens_at=OPENS, closes_at=CLOSES)
    db.session.commit()
    with time_machine.travel(when, tick=False):
        assert consultation.status == expected
        assert status_in_sql(consultation) == expected.value
        listed = db.session.scalars(select(Consultation).where(Consultation.status == expected.value)).all()
        assert listed == [consultation]


@pytest.mark.parametrize(
    "stage", [ConsultationStage.draft, ConsultationStage.analysing, ConsultationStage.outcome_published]
)
def test_stored_stages_win_over_the_clock(app, stage):
    consultation = factories.ConsultationFactory(stage=stage, opens_at=OPENS, closes_at=CLOSES)
    db.session.commit()
    with time_machine.travel(OPENS + SECOND, tick=False):
        assert consultation.status.value == stage.value
        assert status_in_sql(consultation) == stage.value


def test_dates_come_back_from_the_database_as_aware_utc(app):
    consultation = factories.ConsultationFactory(opens_at=OPENS, closes_at=CLOSES)
    db.session.commit()
    db.session.expire_all()
    assert consultation.closes_at == CLOSES
    assert consultation.closes_at.tzinfo is not None
