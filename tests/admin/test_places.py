"""Administrators managing the place tree: system -> place -> neighbourhood, populations, breakdowns."""

import re

import pytest
from sqlalchemy import func, select

from engage import search
from engage.audit import AuditEntry
from engage.records.models import EngagementRecord
from engage.records.queries import RecordFilter
from engage.reference.models import Place, PlaceKind
from tests.factories import EngagementRecordFactory, PlaceFactory
from tests.pages import main_content, page_title, plain, text_of


def place_count(db):
    return db.session.scalar(select(func.count()).select_from(Place))


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def audit_entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def place_named(db, name):
    return db.session.scalars(select(Place).where(Place.name == name)).one()


def place_data(**overrides):
    data = {
        "name": "Kent and Medway",
        "kind": "system",
        "parent_id": "0",
        "code": "E54000032",
        "population": "1900000",
        "age": "",
        "sex": "",
        "ethnicity": "",
        "description": "",
    }
    data.update(overrides)
    return data


def stored_places(db):
    """Everything stored about places, to compare before and after a refused change."""
    db.session.expire_all()
    return sorted(
        (p.id, p.name, p.kind, p.parent_id, p.code, p.population, repr(p.breakdown), p.description)
        for p in db.session.scalars(select(Place))
    )


@pytest.fixture
def admin_client(admin, login_as):
    return login_as(admin)


@pytest.fixture
def tree(db):
    """A system holding a place holding a neighbourhood."""
    system = PlaceFactory(name="Kent and Medway", kind=PlaceKind.system, population=1_900_000)
    place = PlaceFactory(name="West Kent", kind=PlaceKind.place, parent=system, population=480_000)
    neighbourhood = PlaceFactory(name="Sevenoaks PCN", kind=PlaceKind.neighbourhood, parent=place, population=40_000)
    db.session.commit()
    return {"system": system, "place": place, "neighbourhood": neighbourhood}


# Building the tree --------------------------------------------------------------------


def test_admin_can_build_a_system_place_and_neighbourhood(db, admin, admin_client, post_form):
    response = post_form("/admin/places/new", place_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/places"
    system = place_named(db, "Kent and Medway")
    assert (system.kind, system.parent_id, system.code, system.population) == (
        PlaceKind.system,
        None,
        "E54000032",
        1_900_000,
    )

    add_under = admin_client.get(f"/admin/places/new?parent={system.id}")
    assert re.search(rf'<option value="{system.id}" selected\s*>', text_of(add_under))
    post_form(
        "/admin/places/new",
        place_data(name="West Kent", kind="place", parent_id=str(system.id), code="", population="480000"),
    )
    place = place_named(db, "West Kent")
    assert (place.kind, place.parent_id) == (PlaceKind.place, system.id)

    post_form(
        "/admin/places/new",
        place_data(name="Sevenoaks PCN", kind="neighbourhood", parent_id=str(place.id), code="", population=""),
    )
    neighbourhood = place_named(db, "Sevenoaks PCN")
    assert (neighbourhood.kind, neighbourhood.parent_id, neighbourhood.population) == (
        PlaceKind.neighbourhood,
        place.id,
        None,
    )
    assert [p.name for p in neighbourhood.ancestors()] == ["West Kent", "Kent and Medway"]

    page = main_content(admin_client.get("/admin/places"))
    page = page[page.index('<ul class="engage-tree">') :]
    # Nested lists: the neighbourhood's list sits inside the place's, inside the system's.
    assert page.count('<ul class="engage-tree">') == 3
    assert page.index("Kent and Medway") < page.index("West Kent") < page.index("Sevenoaks PCN")
    assert "population 1,900,000" in page

    creates = audit_entries(db, "create")
    assert [(e.actor_id, e.object_type, e.object_id) for e in creates] == [
        (admin.id, "places", str(system.id)),
        (admin.id, "places", str(place.id)),
        (admin.id, "places", str(neighbourhood.id)),
    ]
    assert creates[0].changed_fields == ["code", "kind", "name", "population"]
    assert creates[2].changed_fields == ["kind", "name", "parent_id"]


@pytest.mark.parametrize(
    ("kind", "parent", "message"),
    [
        ("system", "system", "A system does not sit within anything: choose 'Nothing'"),
        ("system", "place", "A system does not sit within anything: choose 'Nothing'"),
        ("place", None, "Choose the system this place sits within"),
        ("place", "place", "A place must sit within a system"),
        ("place", "neighbourhood", "Choose the system this place sits within"),
        ("place", "missing", "Choose the system this place sits within"),
        ("neighbourhood", None, "Choose the place this neighbourhood sits within"),
        ("neighbourhood", "system", "A neighbourhood must sit within a place"),
        ("neighbourhood", "neighbourhood", "Choose the place this neighbourhood sits within"),
        ("region", None, "Not a valid choice"),
        ("", None, "Select whether this is a system, place or neighbourhood"),
    ],
)
def test_admin_cannot_put_a_place_at_the_wrong_level(db, admin_client, post_form, tree, kind, parent, message):
    parent_id = {None: 0, "missing": 99999}.get(parent) if parent in (None, "missing") else tree[parent].id
    before, audit_before = stored_places(db), audit_count(db)
    response = post_form("/admin/places/new", place_data(name="Misplaced", kind=kind, parent_id=str(parent_id)))
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert message in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert stored_places(db) == before
    assert audit_count(db) == audit_before


def test_admin_cannot_send_a_parent_that_is_not_a_number(db, admin_client, post_form, tree):
    before = stored_places(db)
    response = post_form("/admin/places/new", place_data(name="Misplaced", kind="place", parent_id="abc"))
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert stored_places(db) == before


@pytest.mark.parametrize(
    ("population", "message"),
    [("-1", "Enter a population between 0 and 100,000,000"), ("lots", "Enter a whole number, like 25")],
)
def test_admin_cannot_give_a_bad_population(db, admin_client, post_form, population, message):
    response = post_form("/admin/places/new", place_data(population=population))
    assert response.status_code == 200
    assert message in plain(text_of(response))
    assert place_count(db) == 0
    assert audit_count(db) == 0


def test_admin_cannot_add_a_place_without_a_name(db, admin_client, post_form):
    response = post_form("/admin/places/new", place_data(name="   "))
    assert "Enter a name" in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert place_count(db) == 0


# Breakdowns ---------------------------------------------------------------------------


def test_breakdown_lines_are_parsed_and_stored_as_numbers(db, admin_client, post_form):
    response = post_form(
        "/admin/places/new",
        place_data(
            population="200000",
            age="0-15: 40000\n65-74: 52000\r\n\n  75+ : 30,000  \n",
            sex="Female: 101000\nMale: 99000",
            ethnicity="Mixed: White and Asian: 1200",
        ),
    )
    assert response.status_code == 302
    system = place_named(db, "Kent and Medway")
    assert system.breakdown == {
        "age": {"0-15": 40000, "65-74": 52000, "75+": 30000},
        "sex": {"Female": 101000, "Male": 99000},
        "ethnicity": {"Mixed: White and Asian": 1200},
    }
    assert isinstance(system.breakdown["age"]["65-74"], int)
    entry = audit_entries(db, "create")[0]
    assert "breakdown" in entry.changed_fields
    assert "52000" not in repr(entry.changed_fields)


def test_edit_form_shows_the_stored_breakdown_as_lines(db, admin_client, tree):
    place = tree["place"]
    place.breakdown = {"age": {"65-74": 52000, "75+": 30000}}
    db.session.commit()
    page = text_of(admin_client.get(f"/admin/places/{place.id}/edit"))
    assert "65-74: 52000\n75+: 30000</textarea>" in page


@pytest.mark.parametrize(
    ("field", "lines", "message"),
    [
        ("age", "65-74 52000", "Line 1 must look like 'label: number', for example '65-74: 52000'"),
        ("age", "0-15: 100\n65-74: lots", "Line 2 must look like 'label: number'"),
        ("sex", ": 5000", "Line 1 must look like 'label: number'"),
        ("sex", "Female:", "Line 1 must look like 'label: number'"),
        ("age", "65-74: -5", "Line 1 must look like 'label: number'"),
        ("age", "65-74: 1.5", "Line 1 must look like 'label: number'"),
        ("age", "65-74: ²", "Line 1 must look like 'label: number'"),
        ("age", "65-74: 5\n65-74: 6", "'65-74' appears more than once"),
        ("ethnicity", "x" * 81 + ": 5", "Line 1 has a label longer than 80 characters"),
        ("age", "0-15: 60000\n16-64: 50000", "These figures add up to 110,000, more than the population of 100,000"),
    ],
)
def test_admin_cannot_store_a_bad_breakdown(db, admin_client, post_form, field, lines, message):
    response = post_form("/admin/places/new", place_data(population="100000", **{field: lines}))
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert message in plain(text_of(response))
    assert page_title(response).startswith("Error: ")
    assert place_count(db) == 0
    assert audit_count(db) == 0


def test_admin_cannot_lower_a_population_below_its_breakdown(db, admin_client, post_form, tree):
    place = tree["place"]
    place.breakdown = {"sex": {"Female": 250000, "Male": 230000}}
    db.session.commit()
    before, audit_before = stored_places(db), audit_count(db)
    response = post_form(
        f"/admin/places/{place.id}/edit",
        place_data(
            name="West Kent",
            kind="place",
            parent_id=str(tree["system"].id),
            population="400000",
            sex="Female: 250000\nMale: 230000",
        ),
    )
    assert response.status_code == 200
    assert "These figures add up to 480,000, more than the population of 400,000" in plain(text_of(response))
    assert stored_places(db) == before
    assert audit_count(db) == audit_before


# Editing and deleting -----------------------------------------------------------------


def test_admin_can_edit_a_place_and_the_log_names_fields_not_values(db, admin, admin_client, post_form, tree):
    place = tree["place"]
    response = post_form(
        f"/admin/places/{place.id}/edit",
        place_data(
            name="West Kent",
            kind="place",
            parent_id=str(tree["system"].id),
            code="E38000999",
            population="481234",
            age="65-74: 77777",
        ),
    )
    assert response.status_code == 302
    db.session.refresh(place)
    assert (place.code, place.population, place.breakdown) == ("E38000999", 481_234, {"age": {"65-74": 77777}})
    entry = audit_entries(db, "update")[-1]
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "places", str(place.id))
    assert entry.changed_fields == ["breakdown", "code", "population"]
    stored = repr([(e.object_type, e.object_id, e.changed_fields) for e in audit_entries(db)])
    for value in ["E38000999", "481234", "77777", "65-74"]:
        assert value not in stored
    rows = plain(main_content(admin_client.get("/admin/audit")))
    assert "breakdown, code, population" in rows
    assert "77777" not in rows


def test_saving_a_place_unchanged_records_nothing(db, admin_client, post_form, tree):
    place = tree["place"]
    before = audit_count(db)
    response = post_form(
        f"/admin/places/{place.id}/edit",
        place_data(name="West Kent", kind="place", parent_id=str(tree["system"].id), code="", population="480000"),
    )
    assert response.status_code == 302
    assert audit_count(db) == before


def test_admin_can_move_a_place_to_another_system(db, admin_client, post_form, tree):
    other = PlaceFactory(name="Sussex", kind=PlaceKind.system)
    db.session.commit()
    place = tree["place"]
    post_form(
        f"/admin/places/{place.id}/edit",
        place_data(name="West Kent", kind="place", parent_id=str(other.id), code="", population="480000"),
    )
    db.session.refresh(place)
    assert place.parent_id == other.id
    assert audit_entries(db, "update")[-1].changed_fields == ["parent_id"]


def test_admin_cannot_change_the_level_of_a_place_with_places_under_it(db, admin_client, post_form, tree):
    before, audit_before = stored_places(db), audit_count(db)
    response = post_form(
        f"/admin/places/{tree['place'].id}/edit",
        place_data(name="West Kent", kind="system", parent_id="0", code="", population="480000"),
    )
    assert response.status_code == 200
    assert "This place has places under it, so its level cannot change" in plain(text_of(response))
    assert stored_places(db) == before
    assert audit_count(db) == audit_before


def test_admin_cannot_put_a_place_under_itself(db, admin_client, post_form, tree):
    system = tree["system"]
    page = text_of(admin_client.get(f"/admin/places/{system.id}/edit"))
    assert f'<option value="{system.id}"' not in page
    before = stored_places(db)
    response = post_form(
        f"/admin/places/{tree['place'].id}/edit",
        place_data(name="West Kent", kind="place", parent_id=str(tree["place"].id), code="", population="480000"),
    )
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert stored_places(db) == before


def test_admin_cannot_delete_a_place_with_places_under_it(db, admin_client, post_form, tree):
    system = tree["system"]
    before, audit_before = stored_places(db), audit_count(db)
    response = post_form(f"/admin/places/{system.id}/delete", form_url=f"/admin/places/{tree['neighbourhood'].id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/places/{system.id}/edit"
    assert "Kent and Medway has places under it. Move or delete those first." in plain(
        text_of(admin_client.get(response.headers["Location"]))
    )
    assert stored_places(db) == before
    assert audit_count(db) == audit_before


def test_edit_page_offers_delete_only_for_a_place_with_nothing_under_it(admin_client, tree):
    system_page = text_of(admin_client.get(f"/admin/places/{tree['system'].id}/edit"))
    leaf_page = text_of(admin_client.get(f"/admin/places/{tree['neighbourhood'].id}/edit"))
    assert "/delete" not in system_page
    assert f'action="/admin/places/{tree["neighbourhood"].id}/delete"' in leaf_page


def test_admin_can_delete_a_place_with_nothing_under_it(db, admin, admin_client, post_form, tree):
    leaf_id = tree["neighbourhood"].id
    response = post_form(f"/admin/places/{leaf_id}/delete", form_url=f"/admin/places/{leaf_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/places"
    assert db.session.get(Place, leaf_id) is None
    entry = audit_entries(db, "delete")[0]
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "places", str(leaf_id))


def test_deleting_a_place_takes_it_off_its_records_and_out_of_their_search_filters(
    db, admin, admin_client, post_form, tree
):
    leaf_id = tree["neighbourhood"].id
    record = EngagementRecordFactory(title="Drop-in at the library")
    record.places = [tree["neighbourhood"]]
    db.session.commit()

    post_form(f"/admin/places/{leaf_id}/delete", form_url=f"/admin/places/{leaf_id}/edit")
    # SQLite may give the deleted place's id to the next one: the record's index row must not
    # still carry it as a filter tag.
    newcomer = PlaceFactory(parent=tree["system"])
    db.session.commit()

    assert db.session.get(EngagementRecord, record.id).places == []
    assert search.search(admin, RecordFilter(q="library", place_id=newcomer.id)).hits == []
    entry = audit_entries(db, "update")[0]
    assert (entry.object_type, entry.object_id, entry.changed_fields) == (
        "engagement_records",
        str(record.id),
        ["places"],
    )


def test_admin_cannot_delete_a_place_without_the_csrf_token(db, admin_client, tree):
    before = stored_places(db)
    response = admin_client.post(f"/admin/places/{tree['neighbourhood'].id}/delete")
    assert response.status_code == 400
    assert stored_places(db) == before


def test_deleting_an_unknown_place_is_not_found(admin_client, post_form):
    assert post_form("/admin/places/99999/delete", form_url="/admin/places/new").status_code == 404


def test_officer_cannot_add_a_place(db, officer, login_as, post_form):
    login_as(officer)
    response = post_form("/admin/places/new", place_data(), form_url="/account/password")
    assert response.status_code == 403
    assert place_count(db) == 0


def test_places_page_escapes_hostile_place_names(db, admin_client):
    system = PlaceFactory()
    PlaceFactory(kind=PlaceKind.place, parent=system)
    db.session.commit()
    page = main_content(admin_client.get("/admin/places"))
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") >= 2
