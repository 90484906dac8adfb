"""The power/interest rule: one rule in Python and in SQL, and the derived state on people and groups."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.stakeholders.models import (
    ConsentAction,
    ConsentRecord,
    Organisation,
    Person,
    Quadrant,
    quadrant_of,
)
from tests.factories import GroupMemberFactory, OrganisationFactory, PersonFactory, ProgrammeGroupFactory

SCORES = range(1, 6)
#: Written out by hand from the rule "3 or more counts as high", so the test does not reuse the code it checks.
EXPECTED = {
    (influence, interest): {
        (True, True): Quadrant.manage_closely,
        (True, False): Quadrant.keep_satisfied,
        (False, True): Quadrant.keep_informed,
        (False, False): Quadrant.monitor,
    }[(influence in (3, 4, 5), interest in (3, 4, 5))]
    for influence in SCORES
    for interest in SCORES
}
MISSING = [(None, None), (None, 3), (4, None)]


@pytest.mark.parametrize(("influence", "interest"), sorted(EXPECTED))
def test_quadrant_counts_three_or_more_as_high(influence, interest):
    assert quadrant_of(influence, interest) == EXPECTED[(influence, interest)]


@pytest.mark.parametrize(("influence", "interest"), MISSING)
def test_stakeholder_without_both_scores_has_no_quadrant(influence, interest):
    assert quadrant_of(influence, interest) is None
    assert Organisation(influence=influence, interest=interest).quadrant is None


def test_quadrant_boundaries_are_three():
    assert quadrant_of(3, 3) == Quadrant.manage_closely
    assert quadrant_of(2, 3) == Quadrant.keep_informed
    assert quadrant_of(3, 2) == Quadrant.keep_satisfied
    assert quadrant_of(2, 2) == Quadrant.monitor


@pytest.mark.parametrize("model", [Organisation, Person])
def test_quadrant_in_sql_agrees_with_python_for_every_score_pair(db, model):
    factory = OrganisationFactory if model is Organisation else PersonFactory
    pairs = [*sorted(EXPECTED), *MISSING]
    made = {factory(influence=i, interest=j).id: (i, j) for i, j in pairs}
    db.session.commit()

    rows = db.session.execute(select(model.id, model.quadrant)).all()

    assert len(rows) == len(pairs)
    for object_id, sql_value in rows:
        influence, interest = made[object_id]
        expected = quadrant_of(influence, interest)
        assert sql_value == (expected.value if expected else None), (influence, interest)
        assert db.session.get(model, object_id).quadrant == expected


@pytest.mark.parametrize("quadrant", list(Quadrant))
def test_filtering_on_the_quadrant_expression_finds_exactly_that_quadrant(db, quadrant):
    made = {OrganisationFactory(influence=i, interest=j).id: EXPECTED[(i, j)] for i, j in EXPECTED}
    OrganisationFactory(influence=None, interest=None)
    db.session.commit()

    found = set(db.session.scalars(select(Organisation.id).where(Organisation.quadrant == quadrant)))

    assert found == {object_id for object_id, q in made.items() if q == quadrant}


def test_person_current_consent_is_the_latest_recorded(db):
    person = PersonFactory()
    older = ConsentRecord(person=person, action=ConsentAction.given, effective_on=date(2024, 1, 1))
    db.session.add(older)
    db.session.flush()
    newer = ConsentRecord(person=person, action=ConsentAction.withdrawn, effective_on=date(2024, 2, 1))
    newer.recorded_at = older.recorded_at.replace(year=older.recorded_at.year + 1)
    db.session.add(newer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Person, person.id).current_consent.id == newer.id


def test_person_without_consent_records_has_no_current_consent(db):
    assert PersonFactory().current_consent is None


def test_interpreter_language_is_named_in_the_communication_need(db):
    person = PersonFactory(communication_needs=["interpreter", "large_print"], interpreter_language="Polish")

    assert person.communication_need_labels == ["Spoken language interpreter (Polish)", "Large print"]


def test_group_has_a_resident_representative_only_when_one_sits_as_one(db):
    group = ProgrammeGroupFactory()
    GroupMemberFactory(group=group, is_resident_representative=False)
    db.session.flush()
    assert group.has_resident_representative is False

    GroupMemberFactory(group=group, is_resident_representative=True)
    db.session.flush()
    db.session.expire(group)
    assert group.has_resident_representative is True
