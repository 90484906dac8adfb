"""Charter state from the clock and the text: the comment window, outdated comments, latest and adopted versions."""

from datetime import UTC, datetime, timedelta

import time_machine

from engage.charters.models import CharterAdoption, CharterStage, CharterVersion, CharterVersionSection
from engage.extensions import db
from tests import factories

CLOSES = datetime(2026, 11, 6, 23, 59, tzinfo=UTC)


def test_residents_comments_are_accepted_until_the_closing_instant_only(app):
    charter = factories.CharterFactory(stage=CharterStage.open_for_comment, comments_close_at=CLOSES)
    with time_machine.travel(CLOSES - timedelta(seconds=1), tick=False):
        assert charter.accepting_resident_comments
    with time_machine.travel(CLOSES, tick=False):
        assert not charter.accepting_resident_comments
    charter.stage = CharterStage.drafting
    with time_machine.travel(CLOSES - timedelta(days=1), tick=False):
        assert not charter.accepting_resident_comments


def _next_version(charter, **bodies):
    old = charter.latest
    version = CharterVersion(charter=charter, number=old.number + 1, summary="Next")
    db.session.add(version)
    for s in old.sections:
        if bodies.get(s.key, s.body) is not None:
            version.sections.append(
                CharterVersionSection(key=s.key, position=s.position, heading=s.heading, body=bodies.get(s.key, s.body))
            )
    db.session.flush()
    return version


def test_a_comment_is_outdated_only_when_its_own_section_changed_or_went(app):
    charter = factories.CharterFactory()
    first, second = charter.latest.sections
    on_first = factories.CharterCommentFactory(charter=charter, section_key=first.key)
    on_second = factories.CharterCommentFactory(charter=charter, section_key=second.key)
    assert not on_first.is_outdated(charter.latest)
    latest = _next_version(charter, **{first.key: "New words."})
    assert on_first.is_outdated(latest) and not on_second.is_outdated(latest)
    latest = _next_version(charter, **{second.key: None})
    assert on_second.is_outdated(latest)


def test_the_public_version_is_the_latest_adopted_one_not_the_latest_saved(app):
    charter = factories.CharterFactory()
    db.session.add(CharterAdoption(charter=charter, version=charter.latest))
    db.session.flush()
    adopted = charter.latest
    _next_version(charter)
    assert charter.latest.number == 2 and charter.latest_adoption.version is adopted
