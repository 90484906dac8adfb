"""Importing organisations and people: upload, map columns, dry run, confirm; bad files store nothing."""

import csv
import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from engage.extensions import db as _db
from engage.permissions import Role
from engage.stakeholders import services
from engage.stakeholders.importers import FIELDS
from engage.stakeholders.models import ImportBatch, Membership, Organisation, OrganisationKind, Person
from tests.auth import put_signed_in
from tests.factories import HOSTILE, OrganisationFactory, PersonFactory, PlaceFactory, TopicFactory, UserFactory
from tests.stakeholders.helpers import (
    assert_problem_shown,
    audit_entries,
    field_errors,
    main_content,
    plain,
    row_counts,
    text_of,
)

PEOPLE_HEADERS = ["Full name", "Email", "Job title", "Organisation", "Postcode", "Places", "Influence", "Interest"]
ORGANISATION_HEADERS = ["Organisation name", "Type", "Postcode", "Places", "Topics", "Website"]
TOKEN_RE = re.compile(r"^/stakeholders/import/([A-Za-z0-9_-]+)$")


def csv_bytes(headers, rows, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def batches(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


@pytest.fixture
def officer_client(officer, login_as):
    return login_as(officer)


@pytest.fixture
def upload(post_form):
    """POST a file to the upload form and return the response."""

    def send(content, filename, kind="people", on=None):
        response = post_form(
            "/stakeholders/import",
            {"kind": kind, "file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
            on=on,
        )
        # Werkzeug's test client spools a large body to a temporary file and never closes it.
        response.request.environ["wsgi.input"].close()
        return response

    return send


@pytest.fixture
def start_import(upload, post_form):
    """Upload, then confirm the column mapping; return the import token."""

    def start(content, filename, kind="people", mapping=None, on=None):
        response = upload(content, filename, kind, on=on)
        assert response.status_code == 302, plain(main_content(response))
        token = TOKEN_RE.match(response.headers["Location"]).group(1)
        if mapping is not None:
            # A browser sends every select, "" for "Not in this file".
            data = {f"map_{key}": str(mapping.get(key, "")) for key in FIELDS[kind]}
            mapped = post_form(f"/stakeholders/import/{token}", data, on=on)
            assert mapped.status_code == 302, field_errors(mapped)
        return token

    return start


PEOPLE_MAPPING = {
    "name": 0,
    "email": 1,
    "job_title": 2,
    "organisation": 3,
    "postcode": 4,
    "places": 5,
    "influence": 6,
    "interest": 7,
}
ORGANISATION_MAPPING = {"name": 0, "kind": 1, "postcode": 2, "places": 3, "topics": 4, "website": 5}


def report(response):
    """Return {row number: (name, outcome, why)} from the dry-run table."""
    content = main_content(response)
    table = content[content.index('id="report"') :]
    table = table[table.index("<tbody") : table.index("</tbody>")]
    rows = {}
    for row in table.split('<tr class="nhsuk-table__row">')[1:]:
        cells = [plain(c) for c in re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', row, re.S)]
        rows[int(cells[0])] = tuple(cells[1:])
    return rows


def confirm(post_form, token, decisions=None, on=None):
    return post_form(
        f"/stakeholders/import/{token}/confirm",
        decisions or {},
        form_url=f"/stakeholders/import/{token}",
        on=on,
    )


# The happy path -----------------------------------------------------------------


def test_officer_can_import_people_from_csv_after_checking_the_dry_run(
    db, officer, officer_client, start_import, post_form
):
    place = PlaceFactory(name="West Kent")
    carers = OrganisationFactory(name="Maidstone Carers")
    existing = PersonFactory(name="Amara Okafor", email="amara@example.org", job_title="")
    db.session.commit()
    content = csv_bytes(
        PEOPLE_HEADERS,
        [
            ["Ben Hall", "Ben.Hall@Example.org", "Chair", "maidstone carers", "me14 1rf", "West Kent", "4", "5"],
            ["Amara Okafor", "AMARA@example.org", "Carers' lead", "", "", "", "", ""],
            ["Chidi Eze", "", "", "", "", "", "", ""],
        ],
    )
    before = row_counts(db)

    token = start_import(content, "people.csv", mapping=PEOPLE_MAPPING)
    review = officer_client.get(f"/stakeholders/import/{token}")

    assert review.status_code == 200
    assert report(review) == {
        2: ("Ben Hall", "Create", ""),
        3: ("Amara Okafor", "Update", f"Updates #{existing.id} Amara Okafor"),
        4: ("Chidi Eze", "Create", ""),
    }
    assert "Nothing has been saved yet" in main_content(review)
    assert row_counts(db) == before

    response = confirm(post_form, token)

    assert response.status_code == 302
    assert response.headers["Location"] == "/stakeholders/people?sort=updated"
    people = {p.name: p for p in db.session.scalars(select(Person))}
    assert set(people) == {"Ben Hall", "Amara Okafor", "Chidi Eze"}
    ben = people["Ben Hall"]
    assert (ben.email, ben.job_title, ben.postcode, ben.influence, ben.interest) == (
        "ben.hall@example.org",
        "Chair",
        "ME14 1RF",
        4,
        5,
    )
    assert [p.id for p in ben.places] == [place.id]
    assert [m.organisation_id for m in ben.memberships] == [carers.id]
    assert people["Amara Okafor"].id == existing.id
    assert people["Amara Okafor"].job_title == "Carers' lead"
    assert batches(db) == 0


def test_officer_can_import_organisations_from_xlsx(db, officer_client, start_import, post_form):
    place, topic = PlaceFactory(name="Medway"), TopicFactory(name="Frailty")
    existing = OrganisationFactory(name="Medway Youth Trust", website="")
    db.session.commit()
    content = xlsx_bytes(
        ORGANISATION_HEADERS,
        [
            ["Medway Carers", "Voluntary or community group", "ME4 4AA", "Medway", "Frailty", "carers.example.org"],
            ["medway youth trust", "", None, None, None, "https://youth.example.org"],
            ["Rochester Hospice", "hospice", 12345, None, None, None],
            ["Chatham Rocket Club", "spaceship", None, None, None, None],
        ],
    )

    token = start_import(content, "organisations.xlsx", kind="organisations", mapping=ORGANISATION_MAPPING)
    review = officer_client.get(f"/stakeholders/import/{token}")

    assert report(review) == {
        2: ("Medway Carers", "Create", ""),
        3: ("medway youth trust", "Update", f"Updates #{existing.id} Medway Youth Trust"),
        4: ("Rochester Hospice", "Reject", "Bad postcode '12345'"),
        5: ("Chatham Rocket Club", "Reject", "Unknown type 'spaceship'"),
    }
    assert confirm(post_form, token).status_code == 302
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    assert set(organisations) == {"Medway Carers", "Medway Youth Trust"}
    carers = organisations["Medway Carers"]
    assert (carers.kind, carers.postcode, carers.website) == (
        OrganisationKind.voluntary_community,
        "ME4 4AA",
        "https://carers.example.org",
    )
    assert ([p.id for p in carers.places], [t.id for t in carers.topics]) == ([place.id], [topic.id])
    assert organisations["Medway Youth Trust"].website == "https://youth.example.org"


def test_column_names_the_importer_knows_are_matched_for_the_officer(db, officer_client, start_import):
    token = start_import(csv_bytes(["E-mail", "Name", "Notes"], [["a@example.org", "Amara", ""]]), "people.csv")

    body = main_content(officer_client.get(f"/stakeholders/import/{token}"))

    assert re.search(r'<option value="1"\s+selected', body[body.index('id="map_name"') :])
    assert re.search(r'<option value="0"\s+selected', body[body.index('id="map_email"') :])
    assert 'id="report"' not in body


# The dry run --------------------------------------------------------------------


def test_dry_run_reports_why_each_rejected_row_is_left_out(db, officer_client, start_import, post_form):
    PlaceFactory(name="West Kent")
    db.session.commit()
    content = csv_bytes(
        PEOPLE_HEADERS,
        [
            ["Ben Hall", "not-an-email", "", "", "", "", "", ""],
            ["Chidi Eze", "", "", "", "", "Atlantis", "", ""],
            ["", "nobody@example.org", "", "", "", "", "", ""],
            ["Dee Fox", "dee@example.org", "", "", "", "", "", ""],
            ["Dee Fox", "DEE@example.org", "", "", "", "", "", ""],
            ["Eve Gray", "", "", "", "ME14 XYZ", "", "", ""],
            ["Finn Hart", "", "", "", "", "", "7", "0"],
            ["Gail Ives", "", "", "Nowhere Trust", "", "", "", ""],
        ],
    )
    token = start_import(content, "people.csv", mapping=PEOPLE_MAPPING)
    before = row_counts(db)

    rows = report(officer_client.get(f"/stakeholders/import/{token}"))

    assert rows == {
        2: ("Ben Hall", "Reject", "Bad email 'not-an-email'"),
        3: ("Chidi Eze", "Reject", "Unknown place 'Atlantis'"),
        4: ("(no name)", "Reject", "Missing name"),
        5: ("Dee Fox", "Create", ""),
        6: ("Dee Fox", "Reject", "Duplicate of row 5 in this file"),
        7: ("Eve Gray", "Reject", "Bad postcode 'ME14 XYZ'"),
        8: (
            "Finn Hart",
            "Reject",
            "Influence must be a whole number from 1 to 5; Interest must be a whole number from 1 to 5",
        ),
        9: ("Gail Ives", "Reject", "Unknown organisation 'Nowhere Trust'"),
    }
    assert row_counts(db) == before
    confirm(post_form, token)
    assert [p.name for p in db.session.scalars(select(Person))] == ["Dee Fox"]


def test_person_name_too_long_for_the_database_is_rejected_in_the_dry_run(db, officer_client, start_import, post_form):
    long_name = "Amara " + "Okafor" * 30
    token = start_import(
        csv_bytes(PEOPLE_HEADERS, [[long_name, "", "", "", "", "", "", ""]]), "people.csv", mapping=PEOPLE_MAPPING
    )

    ((_name, outcome, why),) = report(officer_client.get(f"/stakeholders/import/{token}")).values()
    confirm(post_form, token)

    assert (outcome, why) == ("Reject", "Name is longer than 160 characters")
    assert row_counts(db)["people"] == 0


def test_mapping_without_a_name_column_is_refused(db, officer_client, start_import, post_form):
    token = start_import(csv_bytes(PEOPLE_HEADERS, [["Ben Hall", "", "", "", "", "", "", ""]]), "people.csv")

    data = {f"map_{key}": "" for key in FIELDS["people"]}
    before = row_counts(db)

    response = post_form(f"/stakeholders/import/{token}", {**data, "map_email": "1"})

    assert response.status_code == 400
    assert row_counts(db) == before
    assert_problem_shown(response, "map_name", "Choose the column that holds the full name")
    assert db.session.scalars(select(ImportBatch)).one().is_mapped is False


def test_rows_in_the_dry_run_are_shown_escaped(db, officer_client, start_import):
    token = start_import(
        csv_bytes(PEOPLE_HEADERS, [[HOSTILE, "", "", "", "", "", "", ""]]),
        "<script>alert('x')</script>.csv",
        mapping=PEOPLE_MAPPING,
    )

    content = main_content(officer_client.get(f"/stakeholders/import/{token}"))

    assert "<script>alert" not in content
    assert content.count("&lt;script&gt;alert") >= 2


# Duplicates: same email updates; a similar name in the same postcode asks ---------


def test_similar_name_in_the_same_postcode_is_offered_for_merge_and_the_choice_is_honoured(
    db, officer_client, start_import, post_form
):
    ben = PersonFactory(name="Benjamin Hall", email="", postcode="ME14 1RF", job_title="")
    chidi = PersonFactory(name="Chidi Eze", email="", postcode="ME4 4AA", job_title="")
    PersonFactory(name="Dee Fox", email="", postcode="CT1 1AA", job_title="")
    db.session.commit()
    content = csv_bytes(
        PEOPLE_HEADERS,
        [
            ["Benjamin Hal", "", "Chair", "", "ME14 1RF", "", "", ""],
            ["Chidi Ezeh", "", "Treasurer", "", "ME4 4AA", "", "", ""],
            ["Dee Fox", "", "", "", "ME14 1RF", "", "", ""],
        ],
    )
    token = start_import(content, "people.csv", mapping=PEOPLE_MAPPING)

    rows = report(officer_client.get(f"/stakeholders/import/{token}"))

    assert rows[2][1:] == (
        "Possible duplicate",
        f"Looks like #{ben.id} Benjamin Hall Keep both: create a new record Same one: update #{ben.id}",
    )
    assert rows[3][1] == "Possible duplicate"
    assert rows[4][1] == "Create"
    assert row_counts(db)["people"] == 3

    assert confirm(post_form, token, {"row-2": "merge", "row-3": "new"}).status_code == 302

    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    assert [(p.name, p.job_title) for p in people] == [
        ("Benjamin Hall", "Chair"),
        ("Chidi Eze", ""),
        ("Dee Fox", ""),
        ("Chidi Ezeh", "Treasurer"),
        ("Dee Fox", ""),
    ]
    assert db.session.get(Person, chidi.id).job_title == ""


def test_similar_organisation_name_in_another_postcode_is_not_a_duplicate(db, officer_client, start_import):
    OrganisationFactory(name="Maidstone Carers Trust", postcode="ME14 1RF")
    db.session.commit()
    content = csv_bytes(
        ORGANISATION_HEADERS,
        [["Maidstone Carer Trust", "", "ME4 4AA", "", "", ""], ["Maidstone Carers Trst", "", "ME14 1RF", "", "", ""]],
    )
    token = start_import(content, "organisations.csv", kind="organisations", mapping=ORGANISATION_MAPPING)

    rows = report(officer_client.get(f"/stakeholders/import/{token}"))

    assert (rows[2][1], rows[3][1]) == ("Create", "Possible duplicate")


# Nothing written until confirmed; all or nothing ----------------------------------


def test_failed_import_writes_nothing(db, officer_client, start_import, post_form, monkeypatch):
    content = csv_bytes(
        PEOPLE_HEADERS, [["Ben Hall", "", "", "", "", "", "", ""], ["Chidi Eze", "", "", "", "", "", "", ""]]
    )
    token = start_import(content, "people.csv", mapping=PEOPLE_MAPPING)
    before = row_counts(db)
    audit_before = len(audit_entries(db))
    create_person, calls = services.create_person, []

    def fail_on_second_row(**values):
        calls.append(values["name"])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return create_person(**values)

    monkeypatch.setattr(services, "create_person", fail_on_second_row)

    with pytest.raises(RuntimeError):
        confirm(post_form, token)

    assert calls == ["Ben Hall", "Chidi Eze"]
    assert row_counts(db) == before
    assert len(audit_entries(db)) == audit_before
    assert batches(db) == 1


def test_import_is_audited_with_counts_only(db, officer, officer_client, start_import, post_form):
    PersonFactory(name="Amara Okafor", email="amara@example.org")
    db.session.commit()
    content = csv_bytes(
        PEOPLE_HEADERS,
        [
            ["Ben Hall", "ben@example.org", "", "", "", "", "", ""],
            ["Amara Okafor", "amara@example.org", "Lead", "", "", "", "", ""],
            ["", "nobody@example.org", "", "", "", "", "", ""],
        ],
    )
    token = start_import(content, "people.csv", mapping=PEOPLE_MAPPING)

    confirm(post_form, token)

    (entry,) = audit_entries(db, "import")
    assert (entry.actor_id, entry.object_type) == (officer.id, "people")
    assert entry.changed_fields == ["created:1", "rejected:1", "updated:1"]
    logged = str([(e.object_id, e.changed_fields) for e in audit_entries(db)])
    for value in ("ben@example.org", "Ben Hall", "amara@example.org", "nobody@example.org", "Lead"):
        assert value not in logged
    assert [e.object_type for e in audit_entries(db, "create")] == ["people"]
    assert [e.changed_fields for e in audit_entries(db, "update")] == [["job_title"]]


def test_another_officers_import_is_not_found(db, app, officer_client, start_import, login_as, post_form):
    token = start_import(
        csv_bytes(PEOPLE_HEADERS, [["Ben Hall", "", "", "", "", "", "", ""]]), "people.csv", mapping=PEOPLE_MAPPING
    )
    other = login_as(UserFactory(role=Role.officer), on=app.test_client())
    before = row_counts(db)

    assert other.get(f"/stakeholders/import/{token}").status_code == 404
    response = post_form(f"/stakeholders/import/{token}/confirm", {}, form_url="/stakeholders/import", on=other)

    assert response.status_code == 404
    assert row_counts(db) == before
    assert batches(db) == 1


# Files that cannot be imported ----------------------------------------------------


def not_xlsx_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Not a spreadsheet")
    return buffer.getvalue()


BAD_FILES = [
    (
        "wrong encoding",
        csv_bytes(["Name", "Email"], [["José Ñúñez", "jose@example.org"]], "latin-1"),
        "people.csv",
        "not in UTF-8",
    ),
    (
        "program renamed .csv",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
        "people.csv",
        "must be a CSV or an Excel .xlsx file",
    ),
    ("zip renamed .xlsx", not_xlsx_zip(), "people.xlsx", "The Excel file could not be read"),
    ("xlsx renamed .csv", xlsx_bytes(["Name"], [["Ben"]]), "people.csv", "must be a CSV or an Excel .xlsx file"),
    ("text with another extension", b"Name\nBen Hall\n", "people.txt", "must be a CSV or an Excel .xlsx file"),
    ("empty file", b"", "people.csv", "The selected file is empty"),
    ("only blank lines", b"\n\n,,\n", "people.csv", "The file has no rows"),
    ("header but no rows", b"Name,Email\n", "people.csv", "column names but no rows"),
    ("larger than 5 MB", b"Name\n" + b"x" * (5 * 1024 * 1024), "people.csv", "smaller than 5 MB"),
]


@pytest.mark.parametrize(("content", "filename", "message"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_officer_uploading_a_bad_file_sees_why_and_nothing_is_stored(
    db, officer_client, upload, content, filename, message
):
    before = row_counts(db)

    response = upload(content, filename)

    assert response.status_code == 400
    assert_problem_shown(response, "file", message)
    assert row_counts(db) == before
    assert batches(db) == 0


def test_officer_uploading_without_a_file_or_kind_sees_the_problems(db, officer_client, post_form):
    before = row_counts(db)

    response = post_form("/stakeholders/import", {}, content_type="multipart/form-data")

    assert response.status_code == 400
    assert_problem_shown(response, "file", "Choose a CSV or Excel file to upload")
    assert_problem_shown(response, "kind", "Choose whether the file lists organisations or people")
    assert row_counts(db) == before
    assert batches(db) == 0


def test_upload_larger_than_the_request_limit_is_refused_with_a_clear_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2048)
    with app.app_context():
        officer = UserFactory(role=Role.officer)
        _db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            put_signed_in(session, officer)
        token = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(client.get("/stakeholders/import"))
        ).group(1)

        response = client.post(
            "/stakeholders/import",
            data={"csrf_token": token, "kind": "people", "file": (io.BytesIO(b"Name\n" + b"x" * 4096), "people.csv")},
            content_type="multipart/form-data",
        )

        assert response.status_code == 413
        assert "The file or form you sent is too large" in text_of(response)
        assert _db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert _db.session.scalar(select(func.count()).select_from(Person)) == 0
        assert _db.session.scalar(select(func.count()).select_from(Membership)) == 0
