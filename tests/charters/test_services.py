"""Charter services: rules for each transition, the save race caught by the database, audit entries."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from engage.audit import AuditEntry
from engage.charters import services
from engage.charters.models import CharterStage, CharterVersion, Moderation
from engage.dates import now_utc
from engage.extensions import db
from tests import factories


def sections_of(version, **changes):
    return [{"key": s.key, "heading": s.heading, "body": changes.get(s.key, s.body)} for s in version.sections]


def test_two_saves_racing_for_the_same_number_end_in_a_conflict_not_an_overwrite(app, officer):
    charter = factories.CharterFactory()
    db.session.commit()
    first = charter.latest
    assert [v.number for v in charter.versions] == [1]
    # Another save took number 2 after this one read the charter: only the unique constraint can tell.
    db.session.execute(
        insert(CharterVersion).values(charter_id=charter.id, number=2, summary="Theirs", created_at=now_utc())
    )
    assert charter.latest is first, "the loaded history does not know about it"
    with pytest.raises(services.SaveConflict):
        services.save_version(
            charter,
            actor=officer,
            base_number=1,
            sections=sections_of(first, **{first.sections[0].key: "Mine"}),
            summary="Mine",
        )
    db.session.rollback()
    assert db.session.scalars(select(CharterVersion.summary)).all() == ["First draft"]


def test_a_stale_base_number_is_refused_before_anything_is_written(app, officer):
    charter = factories.CharterFactory()
    services.save_version(
        charter, actor=officer, base_number=1, sections=sections_of(charter.latest)[:1], summary="Cut"
    )
    with pytest.raises(services.SaveConflict):
        services.save_version(
            charter, actor=officer, base_number=1, sections=sections_of(charter.versions[0]), summary="Old"
        )
    assert len(charter.versions) == 2


@pytest.mark.parametrize("stage", [CharterStage.open_for_comment, CharterStage.awaiting_approval, CharterStage.adopted])
def test_text_changes_and_opening_need_drafting(app, officer, stage):
    charter = factories.CharterFactory(stage=stage)
    with pytest.raises(services.TransitionError):
        services.save_version(charter, actor=officer, base_number=1, sections=[], summary="x")
    with pytest.raises(services.TransitionError):
        services.open_for_comment(charter, actor=officer, closes_at=now_utc() + timedelta(days=1))
    with pytest.raises(services.TransitionError):
        services.restore_version(charter, actor=officer, number=1)


def test_sending_for_approval_or_back_to_drafting_closes_residents_comments_now(app, officer):
    charter = factories.CharterFactory()
    services.open_for_comment(charter, actor=officer, closes_at=now_utc() + timedelta(days=10))
    assert charter.accepting_resident_comments
    services.send_for_approval(charter, actor=officer)
    assert charter.stage == CharterStage.awaiting_approval and not charter.accepting_resident_comments
    assert charter.comments_close_at <= now_utc()
    with pytest.raises(services.TransitionError):
        services.send_for_approval(charter, actor=officer)


def test_approval_and_adoption_rules(app, officer):
    charter = factories.CharterFactory()
    with pytest.raises(services.TransitionError):
        services.record_approval(charter, actor=officer, body_name="Board")
    services.send_for_approval(charter, actor=officer)
    with pytest.raises(services.TransitionError, match="Record who approved version 1"):
        services.adopt(charter, actor=officer)
    services.record_approval(charter, actor=officer, body_name="West Kent HCP Board")
    adoption = services.adopt(charter, actor=officer)
    assert adoption.version is charter.latest and charter.stage == CharterStage.adopted
    services.return_to_drafting(charter, actor=officer)
    with pytest.raises(services.TransitionError):
        services.return_to_drafting(charter, actor=officer)


def test_restoring_the_latest_or_a_missing_version_is_refused(app, officer):
    charter = factories.CharterFactory()
    with pytest.raises(services.TransitionError, match="already the latest"):
        services.restore_version(charter, actor=officer, number=1)
    with pytest.raises(services.TransitionError, match="no version 7"):
        services.restore_version(charter, actor=officer, number=7)


def test_every_change_leaves_an_audit_entry_with_field_names_only(app, officer):
    charter = factories.CharterFactory()
    services.save_version(
        charter, actor=officer, base_number=1, sections=sections_of(charter.latest)[:1], summary="Secret summary"
    )
    comment = services.add_comment(
        charter, actor=officer, version=charter.latest, section_key=charter.latest.sections[0].key, body="Private words"
    )
    services.set_resolved(comment, actor=officer, resolved=True)
    services.open_for_comment(charter, actor=officer, closes_at=now_utc() + timedelta(days=3))
    resident = services.add_resident_comment(
        charter, version=charter.latest, section_key=charter.latest.sections[0].key, body="Hi", email="a@example.org"
    )
    services.moderate(resident, actor=officer, approve=False)
    assert resident.moderation == Moderation.rejected
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_type) for e in entries] == [
        ("create", "charter_versions"),
        ("create", "charter_comments"),
        ("update", "charter_comments"),
        ("update", "charters"),
        ("create", "charter_comments"),
        ("update", "charter_comments"),
    ]
    text = str([e.changed_fields for e in entries])
    assert "Secret" not in text and "Private" not in text and "example.org" not in text
