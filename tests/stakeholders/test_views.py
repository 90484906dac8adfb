"""The stakeholder map pages: forms, bad input, reviewers, hostile text, flags, filters and the grid."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.dates import now_utc, to_london
from engage.reference.models import PlaceKind
from engage.stakeholders import services
from engage.stakeholders.models import (
    Channel,
    ConsentAction,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Person,
)
from tests.factories import (
    HOSTILE,
    GroupMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    ProgrammeGroupFactory,
    SeldomHeardGroupFactory,
    TopicFactory,
)
from tests.stakeholders.helpers import (
    assert_problem_shown,
    audit_entries,
    field_errors,
    main_content,
    plain,
    row_counts,
    text_of,
)

ORGANISATION_LINK_RE = re.compile(r'href="/stakeholders/organisations/(\d+)"')
PERSON_LINK_RE = re.compile(r'href="/stakeholders/people/(\d+)"')


def listed_organisations(response):
    return {int(i) for i in ORGANISATION_LINK_RE.findall(main_content(response))}


def listed_people(response):
    return {int(i) for i in PERSON_LINK_RE.findall(main_content(response))}


@pytest.fixture
def officer_client(officer, login_as):
    return login_as(officer)


@pytest.fixture
def reviewer_client(reviewer, login_as):
    return login_as(reviewer)


@pytest.fixture
def tree(db):
    """Kent and Medway (system) > West Kent (place) > Maidstone PCN (neighbourhood); and Medway beside it."""
    system = PlaceFactory(name="Kent and Medway", kind=PlaceKind.system)
    west_kent = PlaceFactory(name="West Kent", kind=PlaceKind.place, parent=system)
    medway = PlaceFactory(name="Medway", kind=PlaceKind.place, parent=system)
    maidstone = PlaceFactory(name="Maidstone PCN", kind=PlaceKind.neighbourhood, parent=west_kent)
    db.session.commit()
    return {"system": system, "west_kent": west_kent, "medway": medway, "maidstone": maidstone}


def organisation_data(**overrides):
    data = {
        "name": "Maidstone Carers",
        "kind": "voluntary_community",
        "parent": "",
        "website": "",
        "address": "",
        "postcode": "",
        "influence": "",
        "interest": "",
        "owner_id": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


def person_data(**overrides):
    data = {
        "name": "Amara Okafor",
        "job_title": "",
        "email": "",
        "phone": "",
        "postcode": "",
        "preferred_channel": "",
        "interpreter_language": "",
        "communication_notes": "",
        "influence": "",
        "interest": "",
        "owner_id": "0",
        "notes": "",
    }
    data.update(overrides)
    return data


# Adding and editing through the real forms ---------------------------------------


def test_officer_can_add_an_organisation_through_the_form(db, officer, officer_client, post_form, tree):
    pcn = OrganisationFactory(name="Maidstone PCN", kind=OrganisationKind.pcn)
    topic, heard = TopicFactory(name="Frailty"), SeldomHeardGroupFactory(name="Carers")
    db.session.commit()

    response = post_form(
        "/stakeholders/organisations/new",
        organisation_data(
            name="  Maidstone Carers  ",
            parent=f"#{pcn.id}",
            website="https://carers.example.org",
            postcode="me141rf",
            influence="4",
            interest="2",
            owner_id=str(officer.id),
            places=[str(tree["maidstone"].id)],
            topics=[str(topic.id)],
            groups=[str(heard.id)],
        ),
    )

    organisation = db.session.scalars(select(Organisation).where(Organisation.id != pcn.id)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/stakeholders/organisations/{organisation.id}"
    assert (organisation.name, organisation.kind, organisation.parent_id, organisation.postcode) == (
        "Maidstone Carers",
        OrganisationKind.voluntary_community,
        pcn.id,
        "ME14 1RF",
    )
    assert (organisation.influence, organisation.interest, organisation.owner_id) == (4, 2, officer.id)
    assert [p.name for p in organisation.places] == ["Maidstone PCN"]
    assert ([t.id for t in organisation.topics], [g.id for g in organisation.groups]) == ([topic.id], [heard.id])
    (entry,) = audit_entries(db, "create")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (officer.id, "organisations", str(organisation.id))
    page = officer_client.get(response.headers["Location"])
    assert "Keep satisfied" in main_content(page)


def test_officer_can_add_a_person_through_the_form(db, officer, officer_client, post_form, tree):
    response = post_form(
        "/stakeholders/people/new",
        person_data(
            email="Amara.Okafor@Example.org",
            phone="01632960001",
            postcode="ME14 1RF",
            preferred_channel="text",
            communication_needs=["interpreter", "large_print"],
            interpreter_language="Polish",
            influence="2",
            interest="5",
            places=[str(tree["west_kent"].id)],
        ),
    )

    person = db.session.scalars(select(Person)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/stakeholders/people/{person.id}"
    assert (person.name, person.email, person.phone, person.postcode, person.preferred_channel) == (
        "Amara Okafor",
        "amara.okafor@example.org",
        "01632 960001",
        "ME14 1RF",
        Channel.text,
    )
    assert person.communication_needs == ["interpreter", "large_print"]
    assert person.is_contactable is False
    (entry,) = audit_entries(db, "create")
    assert (entry.object_type, entry.object_id) == ("people", str(person.id))
    assert "amara" not in str(entry.changed_fields)


def test_officer_editing_a_person_is_audited_with_the_fields_that_changed(db, officer_client, post_form):
    person = PersonFactory(
        name="Amara Okafor", email="amara@example.org", job_title="", notes="", influence=2, interest=4
    )
    db.session.commit()
    url = f"/stakeholders/people/{person.id}/edit"

    response = post_form(
        url, person_data(email="amara.okafor@example.org", job_title="Carers' lead", influence="2", interest="4")
    )

    assert response.status_code == 302
    assert db.session.get(Person, person.id).email == "amara.okafor@example.org"
    (entry,) = audit_entries(db, "update")
    assert entry.changed_fields == ["email", "job_title"]


def test_officer_can_record_consent_then_its_withdrawal_and_the_page_says_so(db, officer_client, post_form):
    person = PersonFactory()
    db.session.commit()
    url = f"/stakeholders/people/{person.id}"
    today = to_london(now_utc()).date()

    given = post_form(
        f"{url}/consent",
        {
            "action": "given",
            "lawful_basis": "consent",
            "effective_on": (today - timedelta(days=7)).isoformat(),
            "source": "Signed form at the drop-in",
        },
        form_url=url,
    )
    assert given.status_code == 302, field_errors(given)
    assert db.session.get(Person, person.id).is_contactable is True
    assert "Consent withdrawn" not in main_content(officer_client.get(url))

    withdrawn = post_form(
        f"{url}/consent",
        {"action": "withdrawn", "effective_on": today.isoformat(), "source": "Phone call"},
        form_url=url,
    )

    assert withdrawn.status_code == 302
    stored = db.session.get(Person, person.id)
    assert stored.is_contactable is False
    assert [c.action for c in stored.consents] == [ConsentAction.withdrawn, ConsentAction.given]
    page = main_content(officer_client.get(url))
    assert "Consent withdrawn" in page
    assert "never offered for mailings" in page
    assert "Signed form at the drop-in" in page


def test_officer_can_link_a_person_to_an_organisation_by_number(db, officer_client, post_form):
    person, organisation = PersonFactory(), OrganisationFactory()
    db.session.commit()
    url = f"/stakeholders/people/{person.id}"

    response = post_form(f"{url}/memberships", {"organisation": f"#{organisation.id}", "role": "Chair"}, form_url=url)

    assert response.status_code == 302
    assert [(m.organisation_id, m.role) for m in db.session.get(Person, person.id).memberships] == [
        (organisation.id, "Chair")
    ]


def test_officer_can_merge_duplicate_people_after_comparing_them(db, officer_client, post_form):
    keep = PersonFactory(name="Amara Okafor", email="amara@example.org")
    duplicate = PersonFactory(name="Amara Okafor (2)", email="amara@example.org")
    MembershipFactory(person=duplicate)
    db.session.commit()
    keep_id, duplicate_id = keep.id, duplicate.id
    url = f"/stakeholders/people/{keep_id}/merge?other=%23{duplicate_id}"

    compare = officer_client.get(url)
    assert compare.status_code == 200
    assert f"Duplicate, to be removed: #{duplicate_id}" in main_content(compare)
    response = post_form(url, {"confirm": "y"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/stakeholders/people/{keep_id}"
    assert db.session.get(Person, duplicate_id) is None
    assert len(db.session.get(Person, keep_id).memberships) == 1


def test_officer_can_merge_duplicate_organisations_keeping_their_people(db, officer_client, post_form):
    keep, duplicate = OrganisationFactory(), OrganisationFactory()
    membership = MembershipFactory(organisation=duplicate)
    child = OrganisationFactory(parent=duplicate)
    db.session.commit()
    keep_id, duplicate_id, person_id, child_id = keep.id, duplicate.id, membership.person_id, child.id
    url = f"/stakeholders/organisations/{keep_id}/merge?other=%23{duplicate_id}"

    response = post_form(url, {"confirm": "y"})

    assert response.status_code == 302
    assert db.session.get(Organisation, duplicate_id) is None
    assert [m.person_id for m in db.session.get(Organisation, keep_id).memberships] == [person_id]
    assert db.session.get(Organisation, child_id).parent_id == keep_id


# Bad input: the NHS.UK error pattern, and nothing stored --------------------------

PERSON_PROBLEMS = [
    ("bad email", {"email": "amara@@example"}, "email", "Enter an email address in the correct format"),
    ("bad postcode", {"postcode": "ME14 XYZ"}, "postcode", "Enter a real UK postcode"),
    ("influence above 5", {"influence": "6"}, "influence", "whole number from 1 to 5"),
    ("influence below 1", {"influence": "0"}, "influence", "whole number from 1 to 5"),
    ("interest not a number", {"interest": "high"}, "interest", "whole number from 1 to 5"),
    ("unknown place", {"places": ["999999"]}, "places", "Choose places covered from the list"),
    ("missing name", {"name": "   "}, "name", "Enter the person's name"),
    ("bad phone", {"phone": "12"}, "phone", "Enter a phone number"),
    (
        "interpreter without a language",
        {"communication_needs": ["interpreter"], "interpreter_language": "  "},
        "interpreter_language",
        "Enter the language the person needs an interpreter for",
    ),
]
ORGANISATION_PROBLEMS = [
    ("bad postcode", {"postcode": "not a postcode"}, "postcode", "Enter a real UK postcode"),
    ("influence above 5", {"influence": "9"}, "influence", "whole number from 1 to 5"),
    ("unknown place", {"places": ["999999"]}, "places", "Choose places covered from the list"),
    ("unknown topic", {"topics": ["999999"]}, "topics", "Choose topics from the list"),
    ("missing name", {"name": ""}, "name", "Enter the organisation's name"),
    ("unknown type", {"kind": "spaceship"}, "kind", "Choose the type of organisation"),
    ("unknown parent", {"parent": "Nowhere Trust"}, "parent", "No organisation is called"),
    ("website without https", {"website": "javascript:alert(1)"}, "website", "starting with https://"),
]


@pytest.mark.parametrize(
    ("data", "field_id", "message"), [p[1:] for p in PERSON_PROBLEMS], ids=[p[0] for p in PERSON_PROBLEMS]
)
def test_officer_adding_a_person_with_bad_input_sees_the_problem_and_nothing_is_stored(
    db, officer_client, post_form, tree, data, field_id, message
):
    before = row_counts(db)

    response = post_form("/stakeholders/people/new", person_data(**data))

    assert_problem_shown(response, field_id, message)
    assert row_counts(db) == before
    assert audit_entries(db) == []


@pytest.mark.parametrize(
    ("data", "field_id", "message"), [p[1:] for p in ORGANISATION_PROBLEMS], ids=[p[0] for p in ORGANISATION_PROBLEMS]
)
def test_officer_adding_an_organisation_with_bad_input_sees_the_problem_and_nothing_is_stored(
    db, officer_client, post_form, tree, data, field_id, message
):
    before = row_counts(db)

    response = post_form("/stakeholders/organisations/new", organisation_data(**data))

    assert_problem_shown(response, field_id, message)
    assert row_counts(db) == before
    assert audit_entries(db) == []


EDIT_PROBLEMS = [
    p for p in PERSON_PROBLEMS if p[0] in ("bad email", "bad postcode", "influence above 5", "unknown place")
]


@pytest.mark.parametrize(
    ("data", "field_id", "message"), [p[1:] for p in EDIT_PROBLEMS], ids=[p[0] for p in EDIT_PROBLEMS]
)
def test_officer_editing_a_person_with_bad_input_changes_nothing(
    db, officer_client, post_form, tree, data, field_id, message
):
    person = PersonFactory(name="Amara Okafor", email="amara@example.org", postcode="ME14 1RF", influence=2)
    db.session.commit()
    stored = (person.name, person.email, person.postcode, person.influence, person.interest)

    response = post_form(f"/stakeholders/people/{person.id}/edit", person_data(**{"email": "new@example.org", **data}))

    assert_problem_shown(response, field_id, message)
    person = db.session.get(Person, person.id)
    assert (person.name, person.email, person.postcode, person.influence, person.interest) == stored
    assert audit_entries(db) == []


def test_officer_moving_an_organisation_under_its_own_member_sees_the_problem(db, officer_client, post_form):
    parent = OrganisationFactory(name="West Kent PCN")
    child = OrganisationFactory(name="Maidstone Practice", parent=parent)
    db.session.commit()

    response = post_form(
        f"/stakeholders/organisations/{parent.id}/edit",
        organisation_data(name="West Kent PCN", parent=f"#{child.id}", influence="4", interest="4"),
    )

    assert_problem_shown(response, "parent", "cannot belong to itself")
    assert db.session.get(Organisation, parent.id).parent_id is None
    assert audit_entries(db) == []


CONSENT_PROBLEMS = [
    ("no lawful basis", {"action": "given"}, "lawful_basis", "Choose the lawful basis"),
    ("unknown lawful basis", {"action": "given", "lawful_basis": "because"}, "lawful_basis", "Choose"),
    ("no action", {}, "action", "Choose whether consent was given or withdrawn"),
    ("date in the future", {"action": "withdrawn", "effective_on": "2999-01-01"}, "effective_on", "future"),
    ("no source", {"action": "withdrawn", "source": ""}, "source", "Say how we know"),
]


@pytest.mark.parametrize(
    ("data", "field_id", "message"), [p[1:] for p in CONSENT_PROBLEMS], ids=[p[0] for p in CONSENT_PROBLEMS]
)
def test_officer_recording_consent_with_bad_input_sees_the_problem_and_nothing_is_stored(
    db, officer_client, post_form, data, field_id, message
):
    person = PersonFactory()
    db.session.commit()
    before = row_counts(db)
    url = f"/stakeholders/people/{person.id}"

    response = post_form(
        f"{url}/consent",
        {"effective_on": to_london(now_utc()).date().isoformat(), "source": "Form", **data},
        form_url=url,
    )

    assert response.status_code == 400
    assert_problem_shown(response, field_id, message)
    assert row_counts(db) == before
    assert db.session.get(Person, person.id).is_contactable is False


def test_officer_merging_without_confirming_changes_nothing(db, officer_client, post_form):
    keep, duplicate = PersonFactory(), PersonFactory()
    db.session.commit()
    before = row_counts(db)

    response = post_form(f"/stakeholders/people/{keep.id}/merge?other=%23{duplicate.id}", {})

    assert_problem_shown(response, "confirm", "Confirm that these are the same")
    assert row_counts(db) == before


def test_officer_merging_a_record_into_itself_sees_the_problem(db, officer_client):
    person = PersonFactory()
    db.session.commit()
    before = row_counts(db)

    response = officer_client.get(f"/stakeholders/people/{person.id}/merge?other=%23{person.id}")

    assert response.status_code == 400
    assert "That is this record" in main_content(response)
    assert row_counts(db) == before


# Reviewers read but do not change ----------------------------------------------


def test_reviewer_can_read_lists_and_pages_but_sees_no_edit_or_add_links(db, reviewer_client):
    membership = MembershipFactory()
    group = ProgrammeGroupFactory()
    GroupMemberFactory(group=group, person=membership.person)
    db.session.commit()
    pages = [
        "/stakeholders/",
        "/stakeholders/organisations",
        f"/stakeholders/organisations/{membership.organisation_id}",
        "/stakeholders/people",
        f"/stakeholders/people/{membership.person_id}",
        "/stakeholders/groups",
        f"/stakeholders/groups/{group.id}",
    ]

    for url in pages:
        response = reviewer_client.get(url)
        content = main_content(response)
        assert response.status_code == 200, url
        assert "/edit" not in content, url
        assert "/new" not in content, url
        assert "/import" not in content, url
        assert "/export." not in content, url
        assert 'method="post"' not in content, url
        assert ">Edit<" not in content, url


def test_reviewer_cannot_change_a_person(db, reviewer_client, post_form):
    person = PersonFactory(name="Amara Okafor")
    db.session.commit()
    before = row_counts(db)

    url = f"/stakeholders/people/{person.id}"

    response = post_form(f"{url}/edit", person_data(name="Changed"), form_url=url)

    assert response.status_code == 403
    assert db.session.get(Person, person.id).name == "Amara Okafor"
    assert row_counts(db) == before


# Hostile text is shown, never run -----------------------------------------------


def test_hostile_text_is_escaped_on_every_stakeholder_page(db, officer, officer_client):
    place = PlaceFactory()
    topic, heard = TopicFactory(), SeldomHeardGroupFactory()
    parent = OrganisationFactory(website="https://example.org/" + HOSTILE, address=HOSTILE, places=[place])
    organisation = OrganisationFactory(parent=parent, topics=[topic], groups=[heard], owner=officer)
    person = PersonFactory(
        communication_needs=["interpreter"],
        interpreter_language=HOSTILE,
        communication_notes=HOSTILE,
        places=[place],
        owner=officer,
    )
    duplicate = PersonFactory(email=person.email)
    MembershipFactory(person=person, organisation=organisation)
    group = ProgrammeGroupFactory(place=place)
    GroupMemberFactory(group=group, person=person)
    db.session.commit()
    services.record_consent(
        person,
        actor=officer,
        action=ConsentAction.given,
        effective_on=date(2025, 1, 1),
        lawful_basis=LawfulBasis.consent,
        source=HOSTILE,
    )
    db.session.commit()
    pages = [
        "/stakeholders/",
        f"/stakeholders/?place={place.id}&q=%3Cscript%3Ealert",
        "/stakeholders/coverage",
        "/stakeholders/coverage?what=people",
        "/stakeholders/organisations",
        "/stakeholders/organisations?q=%3Cscript%3Ealert('x')",
        f"/stakeholders/organisations/{organisation.id}",
        f"/stakeholders/organisations/{parent.id}",
        f"/stakeholders/organisations/{organisation.id}/edit",
        f"/stakeholders/organisations/{organisation.id}/merge?other=%23{parent.id}",
        "/stakeholders/organisations/new",
        "/stakeholders/people",
        f"/stakeholders/people/{person.id}",
        f"/stakeholders/people/{person.id}/edit",
        f"/stakeholders/people/{person.id}/merge?other=%23{duplicate.id}",
        "/stakeholders/people/new",
        "/stakeholders/groups",
        f"/stakeholders/groups/{group.id}",
        f"/stakeholders/groups/{group.id}/edit",
    ]

    for url in pages:
        body = text_of(officer_client.get(url))
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;alert" in body, url


def test_hostile_name_typed_into_the_form_is_escaped_in_the_confirmation(db, officer_client, post_form):
    response = post_form("/stakeholders/organisations/new", organisation_data(name=HOSTILE), follow_redirects=True)

    body = text_of(response)
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "Added &lt;script&gt;alert" in body


# Flags that follow the person ---------------------------------------------------


def test_communication_needs_are_flagged_wherever_the_person_appears(db, officer_client):
    organisation = OrganisationFactory()
    group = ProgrammeGroupFactory()
    needs = PersonFactory(communication_needs=["bsl", "easy_read"])
    MembershipFactory(person=needs, organisation=organisation)
    GroupMemberFactory(group=group, person=needs)
    db.session.commit()

    person_page = main_content(officer_client.get(f"/stakeholders/people/{needs.id}"))
    assert "Communication needs" in person_page
    assert "British Sign Language interpreter, Easy read" in plain(person_page)
    for url in (
        "/stakeholders/people",
        f"/stakeholders/organisations/{organisation.id}",
        f"/stakeholders/groups/{group.id}",
    ):
        assert "Communication needs" in main_content(officer_client.get(url)), url


def test_person_without_communication_needs_is_not_flagged(db, officer_client):
    organisation = OrganisationFactory()
    group = ProgrammeGroupFactory()
    person = PersonFactory(communication_needs=[])
    MembershipFactory(person=person, organisation=organisation)
    GroupMemberFactory(group=group, person=person)
    db.session.commit()

    for url in (
        f"/stakeholders/people/{person.id}",
        "/stakeholders/people",
        f"/stakeholders/organisations/{organisation.id}",
        f"/stakeholders/groups/{group.id}",
    ):
        assert "Communication needs" not in main_content(officer_client.get(url)), url


def test_withdrawn_person_shows_consent_withdrawn_in_the_list_and_on_their_page(db, officer, officer_client):
    withdrawn, agreed = PersonFactory(name="Withdrawn Person"), PersonFactory(name="Agreed Person")
    db.session.commit()
    for person, action in (
        (withdrawn, ConsentAction.given),
        (withdrawn, ConsentAction.withdrawn),
        (agreed, ConsentAction.given),
    ):
        services.record_consent(
            person, actor=officer, action=action, effective_on=date(2025, 1, 1), lawful_basis=LawfulBasis.consent
        )
    db.session.commit()

    assert "Consent withdrawn" in main_content(officer_client.get(f"/stakeholders/people/{withdrawn.id}"))
    assert "Consent withdrawn" not in main_content(officer_client.get(f"/stakeholders/people/{agreed.id}"))
    rows = main_content(officer_client.get("/stakeholders/people")).split('<tr role="row" class="nhsuk-table__row">')
    (withdrawn_row,) = [r for r in rows if "Withdrawn Person" in r]
    (agreed_row,) = [r for r in rows if "Agreed Person" in r]
    assert "Consent withdrawn" in withdrawn_row
    assert "Consent withdrawn" not in agreed_row


# Lists: place, search, quadrant, pages ------------------------------------------


def test_filtering_by_place_includes_the_neighbourhoods_under_it(db, officer_client, tree):
    in_neighbourhood = OrganisationFactory(places=[tree["maidstone"]])
    in_place = OrganisationFactory(places=[tree["west_kent"]])
    elsewhere = OrganisationFactory(places=[tree["medway"]])
    nowhere = OrganisationFactory()
    person_in_neighbourhood = PersonFactory(places=[tree["maidstone"]])
    PersonFactory(places=[tree["medway"]])
    db.session.commit()

    west_kent = officer_client.get(f"/stakeholders/organisations?place={tree['west_kent'].id}")
    system = officer_client.get(f"/stakeholders/organisations?place={tree['system'].id}")
    neighbourhood = officer_client.get(f"/stakeholders/organisations?place={tree['maidstone'].id}")
    people = officer_client.get(f"/stakeholders/people?place={tree['west_kent'].id}")

    assert listed_organisations(west_kent) == {in_neighbourhood.id, in_place.id}
    assert listed_organisations(system) == {in_neighbourhood.id, in_place.id, elsewhere.id}
    assert listed_organisations(neighbourhood) == {in_neighbourhood.id}
    assert nowhere.id not in listed_organisations(system)
    assert listed_people(people) == {person_in_neighbourhood.id}


def test_search_finds_organisations_by_name_or_postcode_and_people_by_email(db, officer_client):
    carers = OrganisationFactory(name="Maidstone Carers", postcode="ME14 1RF")
    OrganisationFactory(name="Medway Youth", postcode="ME4 4AA")
    amara = PersonFactory(name="Amara Okafor", email="amara@carers.example.org")
    PersonFactory(name="Ben Hall", email="ben@youth.example.org")
    db.session.commit()

    assert listed_organisations(officer_client.get("/stakeholders/organisations?q=carers")) == {carers.id}
    assert listed_organisations(officer_client.get("/stakeholders/organisations?q=me14")) == {carers.id}
    assert listed_people(officer_client.get("/stakeholders/people?q=CARERS.example")) == {amara.id}


def test_search_treats_percent_and_underscore_as_plain_characters(db, officer_client):
    literal = OrganisationFactory(name="100% Carers")
    OrganisationFactory(name="100 Carers")
    db.session.commit()

    assert listed_organisations(officer_client.get("/stakeholders/organisations?q=100%25")) == {literal.id}
    assert listed_organisations(officer_client.get("/stakeholders/organisations?q=0_C")) == set()


def test_quadrant_filter_lists_only_that_quadrant(db, officer_client):
    close = OrganisationFactory(influence=3, interest=3)
    OrganisationFactory(influence=2, interest=3)
    OrganisationFactory(influence=None, interest=None)
    informed = PersonFactory(influence=1, interest=5)
    PersonFactory(influence=5, interest=5)
    db.session.commit()

    organisations = officer_client.get("/stakeholders/organisations?quadrant=manage_closely")
    people = officer_client.get("/stakeholders/people?quadrant=keep_informed")

    assert listed_organisations(organisations) == {close.id}
    assert listed_people(people) == {informed.id}


def test_unknown_filter_values_are_ignored_rather_than_failing(db, officer_client):
    organisation = OrganisationFactory()
    db.session.commit()

    response = officer_client.get("/stakeholders/organisations?quadrant=nonsense&kind=spaceship&place=x&sort=evil")

    assert response.status_code == 200
    assert listed_organisations(response) == {organisation.id}


def test_lists_are_paged_25_at_a_time_keeping_the_filters(db, officer_client):
    made = {OrganisationFactory(name=f"Carers {n:02d}").id for n in range(27)}
    OrganisationFactory(name="Youth club")
    db.session.commit()

    first = officer_client.get("/stakeholders/organisations?q=carers")
    second = officer_client.get("/stakeholders/organisations?q=carers&page=2")

    assert len(listed_organisations(first)) == 25
    assert len(listed_organisations(second)) == 2
    assert listed_organisations(first) | listed_organisations(second) == made
    assert "27 organisations" in plain(main_content(first))
    next_links = {html.unescape(h) for h in re.findall(r'href="([^"]*page=[^"]*)"', main_content(first))}
    assert next_links == {"/stakeholders/organisations?q=carers&page=2"}
    assert officer_client.get("/stakeholders/organisations?page=0").status_code == 404
    assert listed_organisations(officer_client.get("/stakeholders/organisations?q=carers&page=9")) == set()


def test_lists_sort_by_influence_highest_first(db, officer_client):
    low = OrganisationFactory(name="A low", influence=1)
    high = OrganisationFactory(name="B high", influence=5)
    db.session.commit()

    body = main_content(officer_client.get("/stakeholders/organisations?sort=influence"))

    assert [int(i) for i in ORGANISATION_LINK_RE.findall(body)] == [high.id, low.id]


# The grid ------------------------------------------------------------------------


def quadrant_table(response):
    """Return {quadrant label: (organisations, people)} from the table beside the grid."""
    content = main_content(response)
    table = content[content.index("Stakeholders by quadrant") :]
    table = table[: table.index("</table>")]
    counts = {}
    for row in table.split("<tr")[2:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        label = plain(cells[0])
        counts[label] = tuple(int(plain(c).split()[0]) for c in cells[1:])
    return counts


def test_grid_counts_each_quadrant_and_links_to_the_filtered_lists(db, officer_client):
    for influence, interest in ((5, 5), (3, 3), (4, 1), (1, 4), (2, 2), (None, 3)):
        OrganisationFactory(influence=influence, interest=interest)
    for influence, interest in ((2, 4), (2, 3), (5, 2)):
        PersonFactory(influence=influence, interest=interest)
    db.session.commit()

    response = officer_client.get("/stakeholders/")

    assert response.status_code == 200
    assert quadrant_table(response) == {
        "Manage closely": (2, 0),
        "Keep satisfied": (1, 1),
        "Keep informed": (1, 2),
        "Monitor": (1, 0),
        "Not assessed yet": (1, 0),
    }
    content = main_content(response)
    svg = html.unescape(content[content.index("<svg") : content.index("</svg>")])
    for label, total in (("Manage closely", 2), ("Keep satisfied", 2), ("Keep informed", 3), ("Monitor", 1)):
        assert f"{label} ({total})" in svg
    for quadrant in ("manage_closely", "keep_satisfied", "keep_informed", "monitor"):
        assert f'<a href="/stakeholders/organisations?quadrant={quadrant}">' in svg
        assert f"/stakeholders/people?quadrant={quadrant}" in html.unescape(content)
    assert '<a href="/stakeholders/organisations?influence=2&interest=4">' in svg


def test_grid_filtered_by_place_counts_only_that_place_and_links_keep_the_filter(db, officer_client, tree):
    OrganisationFactory(influence=5, interest=5, places=[tree["maidstone"]])
    OrganisationFactory(influence=5, interest=5, places=[tree["medway"]])
    db.session.commit()
    place_id = tree["west_kent"].id

    response = officer_client.get(f"/stakeholders/?place={place_id}")

    assert quadrant_table(response)["Manage closely"] == (1, 0)
    svg = html.unescape(main_content(response))
    assert f'<a href="/stakeholders/organisations?place={place_id}&quadrant=manage_closely">' in svg
    assert "Manage closely (1)" in svg


def test_grid_filters_by_type_topic_and_seldom_heard_group(db, officer_client):
    topic, heard = TopicFactory(), SeldomHeardGroupFactory()
    OrganisationFactory(kind=OrganisationKind.council, influence=5, interest=5)
    OrganisationFactory(topics=[topic], influence=1, interest=1)
    OrganisationFactory(groups=[heard], influence=1, interest=5)
    db.session.commit()

    by_kind = quadrant_table(officer_client.get("/stakeholders/?kind=council"))
    by_topic = quadrant_table(officer_client.get(f"/stakeholders/?topic={topic.id}"))
    by_group = quadrant_table(officer_client.get(f"/stakeholders/?group={heard.id}"))

    assert (by_kind["Manage closely"], by_kind["Monitor"], by_kind["Keep informed"]) == ((1, 0), (0, 0), (0, 0))
    assert (by_topic["Manage closely"], by_topic["Monitor"], by_topic["Keep informed"]) == ((0, 0), (1, 0), (0, 0))
    assert (by_group["Manage closely"], by_group["Monitor"], by_group["Keep informed"]) == ((0, 0), (0, 0), (1, 0))


def test_grid_lists_programme_groups_without_a_resident_representative(db, officer_client):
    without = ProgrammeGroupFactory(name="Urgent Care Delivery Board")
    with_rep = ProgrammeGroupFactory(name="Frailty programme group")
    GroupMemberFactory(group=with_rep, is_resident_representative=True)
    GroupMemberFactory(group=without, is_resident_representative=False)
    db.session.commit()

    content = main_content(officer_client.get("/stakeholders/"))
    gaps = content[content.index("<h2>Gaps</h2>") :]

    assert f'href="/stakeholders/groups/{without.id}"' in gaps
    assert f'href="/stakeholders/groups/{with_rep.id}"' not in gaps
    groups = main_content(officer_client.get("/stakeholders/groups"))
    assert "No representative" in groups and "Has a representative" in groups
