"""Writes to the stakeholder map: audit entries name fields (never values), merges keep every link."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from engage import search
from engage.records.models import EngagementRecord
from engage.records.queries import RecordFilter
from engage.stakeholders import services
from engage.stakeholders.models import (
    ConsentAction,
    ConsentRecord,
    GroupMember,
    LawfulBasis,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
)
from tests.factories import (
    EngagementRecordFactory,
    GroupMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    ProgrammeGroupFactory,
    SeldomHeardGroupFactory,
    TopicFactory,
)
from tests.stakeholders.helpers import audit_entries, row_counts

PERSONAL = {
    "name": "Amara Okafor",
    "job_title": "Carers' lead",
    "email": "amara.okafor@example.org",
    "phone": "01632 960001",
    "postcode": "ME14 1RF",
    "communication_notes": "Prefers mornings",
    "notes": "Met at the Maidstone drop-in",
}


def assert_no_values_in(entries, values):
    """No personal value may be copied into the audit log, only field names."""
    logged = json.dumps([(e.object_id, e.changed_fields) for e in entries])
    for value in values:
        assert value not in logged


def test_officer_creating_a_person_is_audited_with_field_names_only(db, officer):
    place = PlaceFactory()

    person = services.create_person(actor=officer, **PERSONAL, places=[place], influence=3, interest=None)
    db.session.commit()

    (entry,) = audit_entries(db)
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        officer.id,
        "create",
        "people",
        str(person.id),
    )
    assert entry.changed_fields == sorted([*PERSONAL, "places", "influence"])
    assert_no_values_in([entry], PERSONAL.values())


def test_officer_creating_an_organisation_is_audited_with_field_names_only(db, officer):
    organisation = services.create_organisation(
        actor=officer, name="Maidstone Carers", kind=OrganisationKind.voluntary_community, postcode="ME14 1RF"
    )
    db.session.commit()

    (entry,) = audit_entries(db)
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "organisations", str(organisation.id))
    assert entry.changed_fields == ["kind", "name", "postcode"]
    assert_no_values_in([entry], ["Maidstone Carers", "ME14 1RF"])


def test_updating_a_person_records_only_the_fields_that_changed(db, officer):
    person = PersonFactory(**PERSONAL)
    topic = TopicFactory()
    db.session.commit()

    changed = services.update_person(
        person, actor=officer, **{**PERSONAL, "email": "new.address@example.org", "topics": [topic]}
    )
    db.session.commit()

    assert changed == ["email", "topics"]
    (entry,) = audit_entries(db, "update")
    assert (entry.object_type, entry.object_id, entry.changed_fields) == ("people", str(person.id), changed)
    assert_no_values_in([entry], ["new.address@example.org", *PERSONAL.values()])


def test_saving_a_person_unchanged_adds_no_audit_entry(db, officer):
    person = PersonFactory(**PERSONAL)
    db.session.commit()

    assert services.update_person(person, actor=officer, **PERSONAL, places=[], topics=[], groups=[]) == []
    db.session.commit()

    assert audit_entries(db) == []


def test_updating_an_organisation_records_changed_fields_and_links(db, officer):
    organisation = OrganisationFactory(website="")
    place = PlaceFactory()
    db.session.commit()

    changed = services.update_organisation(
        organisation, actor=officer, website="https://carers.example.org", places=[place], interest=1
    )
    db.session.commit()

    assert changed == ["interest", "places", "website"]
    assert [e.changed_fields for e in audit_entries(db, "update")] == [changed]


def test_organisation_cannot_be_moved_under_its_own_member(db, officer):
    parent = OrganisationFactory()
    child = OrganisationFactory(parent=parent)
    grandchild = OrganisationFactory(parent=child)
    db.session.commit()

    with pytest.raises(services.StakeholderRuleError):
        services.update_organisation(parent, actor=officer, parent_id=grandchild.id)
    db.session.rollback()

    assert db.session.get(Organisation, parent.id).parent_id is None
    assert audit_entries(db) == []


def test_organisation_with_people_cannot_be_deleted(db, officer):
    membership = MembershipFactory()
    db.session.commit()
    before = row_counts(db)

    with pytest.raises(services.StakeholderRuleError):
        services.delete_organisation(membership.organisation, actor=officer)
    db.session.rollback()

    assert row_counts(db) == before
    assert audit_entries(db) == []


def test_officer_can_delete_an_organisation_with_nothing_linked_and_it_is_audited(db, officer):
    organisation = OrganisationFactory()
    db.session.commit()
    organisation_id = organisation.id

    services.delete_organisation(organisation, actor=officer)
    db.session.commit()

    assert db.session.get(Organisation, organisation_id) is None
    (entry,) = audit_entries(db, "delete")
    assert (entry.object_type, entry.object_id) == ("organisations", str(organisation_id))


def test_deleting_an_organisation_takes_it_off_its_records_and_out_of_their_search_filters(db, officer):
    organisation = OrganisationFactory()
    record = EngagementRecordFactory(title="Carers forum")
    record.organisations = [organisation]
    db.session.commit()

    services.delete_organisation(organisation, actor=officer)
    db.session.commit()
    # SQLite may give the deleted organisation's id to the next one: the record's index row must
    # not still carry it as a filter tag.
    newcomer = OrganisationFactory()
    db.session.commit()

    assert db.session.get(EngagementRecord, record.id).organisations == []
    assert search.search(officer, RecordFilter(q="carers", organisation_id=newcomer.id)).hits == []
    (entry,) = audit_entries(db, "update", object_type="engagement_records")
    assert (entry.object_id, entry.changed_fields) == (str(record.id), ["organisations"])


def test_consent_withdrawal_stops_contact_and_keeps_the_whole_history(db, officer):
    person = PersonFactory()
    db.session.commit()

    services.record_consent(
        person,
        actor=officer,
        action=ConsentAction.given,
        effective_on=date(2025, 3, 1),
        lawful_basis=LawfulBasis.consent,
        source="Signed form at the drop-in",
    )
    db.session.commit()
    assert db.session.get(Person, person.id).is_contactable is True

    services.record_consent(
        person,
        actor=officer,
        action=ConsentAction.withdrawn,
        effective_on=date(2025, 4, 1),
        lawful_basis=LawfulBasis.consent,
        source="Phone call",
    )
    db.session.commit()
    db.session.expire_all()

    person = db.session.get(Person, person.id)
    assert person.is_contactable is False
    history = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(r.action, r.lawful_basis, r.effective_on) for r in history] == [
        (ConsentAction.given, LawfulBasis.consent, date(2025, 3, 1)),
        (ConsentAction.withdrawn, None, date(2025, 4, 1)),
    ]
    assert all(r.recorded_by_id == officer.id for r in history)
    assert person.current_consent.action == ConsentAction.withdrawn


def test_recording_consent_is_audited_without_the_source_text(db, officer):
    person = PersonFactory()
    db.session.commit()

    record = services.record_consent(
        person,
        actor=officer,
        action=ConsentAction.given,
        effective_on=date(2025, 3, 1),
        lawful_basis=LawfulBasis.public_task,
        source="Email of 3 March from amara@example.org",
    )
    db.session.commit()

    entries = audit_entries(db)
    assert [(e.action, e.object_type, e.object_id, e.changed_fields) for e in entries] == [
        ("create", "consent_records", str(record.id), ["action", "effective_on", "lawful_basis", "source"]),
        ("update", "people", str(person.id), ["is_contactable"]),
    ]
    assert_no_values_in(entries, ["amara@example.org", "public_task", "2025-03-01"])


def test_membership_changes_are_audited_once_each(db, officer):
    person, organisation = PersonFactory(), OrganisationFactory()
    db.session.commit()
    key = f"{person.id}:{organisation.id}"

    services.add_membership(person, organisation, actor=officer, role="Chair")
    services.add_membership(person, organisation, actor=officer, role="Chair")
    services.add_membership(person, organisation, actor=officer, role=" Treasurer ")
    db.session.commit()
    membership = db.session.get(Membership, (person.id, organisation.id))
    assert membership.role == "Treasurer"
    services.remove_membership(membership, actor=officer)
    db.session.commit()

    assert db.session.get(Membership, (person.id, organisation.id)) is None
    assert [(e.action, e.object_type, e.object_id, e.changed_fields) for e in audit_entries(db)] == [
        ("create", "memberships", key, ["organisation_id", "person_id", "role"]),
        ("update", "memberships", key, ["role"]),
        ("delete", "memberships", key, []),
    ]


def test_group_seat_changes_are_audited(db, officer):
    group, person = ProgrammeGroupFactory(), PersonFactory()
    db.session.commit()
    key = f"{group.id}:{person.id}"

    services.add_group_member(group, person, actor=officer)
    services.add_group_member(group, person, actor=officer, is_resident_representative=True)
    db.session.commit()
    assert db.session.get(GroupMember, (group.id, person.id)).is_resident_representative is True
    services.remove_group_member(db.session.get(GroupMember, (group.id, person.id)), actor=officer)
    db.session.commit()

    assert [(e.action, e.object_type, e.object_id, e.changed_fields) for e in audit_entries(db)] == [
        ("create", "group_members", key, ["is_resident_representative", "person_id"]),
        ("update", "group_members", key, ["is_resident_representative"]),
        ("delete", "group_members", key, []),
    ]


def test_merging_organisations_moves_people_members_and_links_then_deletes_the_duplicate(db, officer):
    keep = services.create_organisation(actor=officer, name="Maidstone Carers", kind=OrganisationKind.other)
    duplicate = services.create_organisation(
        actor=officer,
        name="Maidstone Carers Group",
        kind=OrganisationKind.voluntary_community,
        website="https://carers.example.org",
        postcode="ME14 1RF",
    )
    shared_place, keep_place, duplicate_place = PlaceFactory(), PlaceFactory(), PlaceFactory()
    topic, group = TopicFactory(), SeldomHeardGroupFactory()
    keep.places = [shared_place, keep_place]
    duplicate.places = [shared_place, duplicate_place]
    duplicate.topics, duplicate.groups = [topic], [group]
    only_in_duplicate, in_both = PersonFactory(), PersonFactory()
    MembershipFactory(person=only_in_duplicate, organisation=duplicate, role="Chair")
    MembershipFactory(person=in_both, organisation=duplicate, role="Treasurer")
    MembershipFactory(person=in_both, organisation=keep, role="Trustee")
    practice = OrganisationFactory(parent=duplicate, kind=OrganisationKind.gp_practice)
    db.session.commit()
    keep_id, duplicate_id, practice_id = keep.id, duplicate.id, practice.id

    services.merge_organisations(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Organisation, duplicate_id) is None
    kept = db.session.get(Organisation, keep_id)
    assert {m.person_id: m.role for m in kept.memberships} == {only_in_duplicate.id: "Chair", in_both.id: "Trustee"}
    assert db.session.scalars(select(Membership.organisation_id)).all() == [keep_id, keep_id]
    assert db.session.get(Organisation, practice_id).parent_id == keep_id
    assert {p.id for p in kept.places} == {shared_place.id, keep_place.id, duplicate_place.id}
    assert [t.id for t in kept.topics] == [topic.id]
    assert [g.id for g in kept.groups] == [group.id]
    # Blanks are filled from the duplicate; what the kept record already had stays.
    assert (kept.name, kept.kind, kept.website, kept.postcode) == (
        "Maidstone Carers",
        OrganisationKind.other,
        "https://carers.example.org",
        "ME14 1RF",
    )


def test_merging_organisations_moves_the_engagement_records_that_named_the_duplicate(db, officer):
    keep, duplicate, other = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    named_duplicate = EngagementRecordFactory(title="Carers forum")
    named_duplicate.organisations = [duplicate, other]
    named_both = EngagementRecordFactory(title="Carers walk")
    named_both.organisations = [keep, duplicate]
    db.session.commit()
    keep_id, record_ids = keep.id, sorted([named_duplicate.id, named_both.id])

    services.merge_organisations(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    forum, walk = db.session.get(EngagementRecord, named_duplicate.id), db.session.get(EngagementRecord, named_both.id)
    assert sorted(o.id for o in forum.organisations) == sorted([keep_id, other.id])
    assert [o.id for o in walk.organisations] == [keep_id]
    # The search's organisation filter (tags in the index rows) follows the move.
    found = search.search(officer, RecordFilter(q="carers", organisation_id=keep_id)).hits
    assert sorted(hit.record.id for hit in found) == record_ids
    moved = audit_entries(db, "update", object_type="engagement_records")
    assert sorted(int(e.object_id) for e in moved) == record_ids
    assert {tuple(e.changed_fields) for e in moved} == {("organisations",)}


def test_merging_organisations_keeps_the_duplicates_audit_trail(db, officer):
    keep = services.create_organisation(actor=officer, name="Keep", kind=OrganisationKind.other)
    duplicate = services.create_organisation(actor=officer, name="Duplicate", kind=OrganisationKind.other)
    db.session.commit()
    keep_id, duplicate_id = str(keep.id), str(duplicate.id)

    services.merge_organisations(keep, duplicate, actor=officer)
    db.session.commit()

    trail = [(e.action, e.object_id) for e in audit_entries(db, object_type="organisations")]
    assert trail == [
        ("create", keep_id),
        ("create", duplicate_id),
        ("merge", keep_id),
        ("merged_into", duplicate_id),
    ]
    assert audit_entries(db, "merged_into")[0].changed_fields == [f"organisation:{keep_id}"]


def test_merging_an_organisation_into_its_own_member_keeps_the_member_in_the_tree(db, officer):
    pcn = OrganisationFactory(kind=OrganisationKind.pcn)
    duplicate = OrganisationFactory(parent=pcn)
    keep = OrganisationFactory(parent=duplicate)
    db.session.commit()

    services.merge_organisations(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Organisation, keep.id).parent_id == pcn.id


def test_organisation_cannot_be_merged_into_itself(db, officer):
    organisation = OrganisationFactory()
    db.session.commit()

    with pytest.raises(services.StakeholderRuleError):
        services.merge_organisations(organisation, organisation, actor=officer)


def test_merging_people_moves_the_engagement_records_that_named_the_duplicate(db, officer):
    keep, duplicate = PersonFactory(), PersonFactory()
    record = EngagementRecordFactory()
    record.people = [duplicate]
    db.session.commit()

    services.merge_people(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    assert [p.id for p in db.session.get(EngagementRecord, record.id).people] == [keep.id]


def test_merging_people_moves_memberships_consent_history_seats_and_links(db, officer):
    keep = PersonFactory(phone="", communication_needs=["large_print"])
    duplicate = PersonFactory(phone="01632 960001", communication_needs=["easy_read"])
    place, topic, heard = PlaceFactory(), TopicFactory(), SeldomHeardGroupFactory()
    duplicate.places, duplicate.topics, duplicate.groups = [place], [topic], [heard]
    organisation = OrganisationFactory()
    MembershipFactory(person=duplicate, organisation=organisation, role="Volunteer")
    board, frailty = ProgrammeGroupFactory(), ProgrammeGroupFactory()
    GroupMemberFactory(group=board, person=duplicate, is_resident_representative=True)
    GroupMemberFactory(group=frailty, person=duplicate)
    GroupMemberFactory(group=frailty, person=keep)
    db.session.commit()
    for action, day in ((ConsentAction.given, 1), (ConsentAction.withdrawn, 2)):
        services.record_consent(
            duplicate,
            actor=officer,
            action=action,
            effective_on=date(2025, 3, day),
            lawful_basis=LawfulBasis.consent,
            source="Form",
        )
    db.session.commit()
    keep_id, duplicate_id = keep.id, duplicate.id
    consent_ids = set(db.session.scalars(select(ConsentRecord.id)))

    services.merge_people(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Person, duplicate_id) is None
    kept = db.session.get(Person, keep_id)
    assert [(m.organisation_id, m.role) for m in kept.memberships] == [(organisation.id, "Volunteer")]
    assert {r.id for r in kept.consents} == consent_ids
    assert [r.action for r in kept.consents] == [ConsentAction.withdrawn, ConsentAction.given]
    assert kept.is_contactable is False
    seats = db.session.scalars(select(GroupMember).order_by(GroupMember.group_id)).all()
    assert [(s.group_id, s.person_id, s.is_resident_representative) for s in seats] == [
        (board.id, keep_id, True),
        (frailty.id, keep_id, False),
    ]
    assert ([p.id for p in kept.places], [t.id for t in kept.topics], [g.id for g in kept.groups]) == (
        [place.id],
        [topic.id],
        [heard.id],
    )
    assert kept.phone == "01632 960001"
    assert kept.communication_needs == ["easy_read", "large_print"]
    merge_entry = audit_entries(db, "merge")[0]
    assert {"consents", "memberships", "phone"} <= set(merge_entry.changed_fields)
    assert audit_entries(db, "merged_into")[0].changed_fields == [f"person:{keep_id}"]


def test_merged_person_is_contactable_when_their_latest_consent_was_given(db, officer):
    keep, duplicate = PersonFactory(), PersonFactory()
    db.session.commit()
    services.record_consent(
        duplicate, actor=officer, action=ConsentAction.given, effective_on=date(2025, 3, 1), lawful_basis="consent"
    )
    db.session.commit()

    services.merge_people(keep, duplicate, actor=officer)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(Person, keep.id).is_contactable is True


def test_person_cannot_be_merged_into_themselves(db, officer):
    person = PersonFactory()
    db.session.commit()
    before = row_counts(db)

    with pytest.raises(services.StakeholderRuleError):
        services.merge_people(person, person, actor=officer)

    assert row_counts(db) == before
