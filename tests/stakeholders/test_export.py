"""CSV and XLSX exports of filtered lists: only matching rows, nothing a spreadsheet would run, audited."""

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from engage.reference.models import PlaceKind
from tests.factories import HOSTILE, OrganisationFactory, PersonFactory, PlaceFactory
from tests.stakeholders.helpers import audit_entries

#: What Excel, LibreOffice or Sheets would read as the start of a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Text that opens with each trigger, put into every free-text field.
DANGEROUS = [
    '=HYPERLINK("http://evil","click")',
    "+44 1632 960001",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = [
        # OOXML stores a carriage return as _x000D_; Excel reads it back as "\r".
        [c.replace("_x000D_", "\r") if isinstance(c, str) else c for c in row]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def formula_elements(response):
    """Count <f> (formula) elements across every worksheet in the XLSX package."""
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        return sum(len(re.findall(rb"<f[\s>]", package.read(name))) for name in sheets)


def assert_no_cell_starts_a_formula(rows):
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(TRIGGERS), repr(cell)


@pytest.fixture
def officer_client(officer, login_as):
    return login_as(officer)


@pytest.fixture
def west_kent(db):
    system = PlaceFactory(name="Kent and Medway", kind=PlaceKind.system)
    place = PlaceFactory(name="West Kent", kind=PlaceKind.place, parent=system)
    PlaceFactory(name="Maidstone PCN", kind=PlaceKind.neighbourhood, parent=place)
    db.session.commit()
    return place


def test_officer_can_export_a_filtered_organisation_list_as_csv(db, officer_client, west_kent):
    neighbourhood = west_kent.children[0]
    inside = OrganisationFactory(name="Maidstone Carers", places=[neighbourhood], influence=5, interest=5)
    OrganisationFactory(name="Maidstone Youth", places=[neighbourhood], influence=1, interest=1)
    OrganisationFactory(name="Medway Carers", influence=5, interest=5)
    db.session.commit()

    response = officer_client.get(
        f"/stakeholders/organisations/export.csv?place={west_kent.id}&quadrant=manage_closely"
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.csv"')
    header, *rows = csv_rows(response)
    assert header[:3] == ["ID", "Name", "Type"]
    assert [(r[0], r[1], r[header.index("Quadrant")]) for r in rows] == [
        (str(inside.id), "Maidstone Carers", "Manage closely")
    ]


def test_officer_can_export_a_searched_people_list_as_xlsx(db, officer_client):
    amara = PersonFactory(name="Amara Okafor", email="amara@carers.example.org", communication_needs=["bsl"])
    PersonFactory(name="Ben Hall", email="ben@youth.example.org")
    db.session.commit()

    response = officer_client.get("/stakeholders/people/export.xlsx?q=carers")

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    header, *rows = xlsx_rows(response)
    assert header[:2] == ["ID", "Name"]
    assert [(r[0], r[1], r[header.index("Communication needs")]) for r in rows] == [
        (amara.id, "Amara Okafor", "British Sign Language interpreter")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_an_empty_filter_has_only_the_header(db, officer_client, fmt):
    OrganisationFactory(name="Maidstone Carers")
    db.session.commit()

    response = officer_client.get(f"/stakeholders/organisations/export.{fmt}?q=nothing-matches-this")

    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert len(rows) == 1
    assert rows[0][0] == "ID"


def dangerous_stakeholders():
    for text in DANGEROUS:
        OrganisationFactory(name=text, website=text, address=text, postcode="", notes=text)
        PersonFactory(name=text, job_title=text, email="", phone=text, notes=text)
    OrganisationFactory(name=HOSTILE)


@pytest.mark.parametrize("what", ["organisations", "people"])
def test_csv_export_neutralises_text_that_would_start_a_formula(db, officer_client, what):
    dangerous_stakeholders()
    db.session.commit()

    rows = csv_rows(officer_client.get(f"/stakeholders/{what}/export.csv"))

    assert len(rows) > len(DANGEROUS)
    assert_no_cell_starts_a_formula(rows)
    names = {row[1] for row in rows[1:]}
    for text in DANGEROUS:
        assert "'" + text in names


@pytest.mark.parametrize("what", ["organisations", "people"])
def test_xlsx_export_has_no_formulas_and_neutralises_formula_text(db, officer_client, what):
    dangerous_stakeholders()
    db.session.commit()

    response = officer_client.get(f"/stakeholders/{what}/export.xlsx")

    assert formula_elements(response) == 0
    rows = xlsx_rows(response)
    assert len(rows) > len(DANGEROUS)
    assert_no_cell_starts_a_formula(rows)
    names = {row[1] for row in rows[1:]}
    for text in DANGEROUS:
        assert "'" + text in names


def test_scores_are_exported_as_numbers_not_text(db, officer_client):
    OrganisationFactory(influence=2, interest=5)
    db.session.commit()

    header, row = xlsx_rows(officer_client.get("/stakeholders/organisations/export.xlsx"))

    assert (row[header.index("Influence")], row[header.index("Interest")]) == (2, 5)


@pytest.mark.parametrize("url", ["/stakeholders/organisations/export.csv", "/stakeholders/people/export.xlsx"])
def test_reviewer_cannot_export(db, reviewer, login_as, url):
    PersonFactory()
    OrganisationFactory()
    db.session.commit()

    response = login_as(reviewer).get(url)

    assert response.status_code == 403
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert audit_entries(db, "export") == []


def test_exports_are_audited_with_format_and_filters_not_content(db, officer, officer_client, west_kent):
    PersonFactory(name="Amara Okafor", email="amara@example.org")
    db.session.commit()

    officer_client.get(f"/stakeholders/people/export.csv?q=amara&place={west_kent.id}&sort=name")
    officer_client.get("/stakeholders/organisations/export.xlsx")

    entries = audit_entries(db, "export")
    assert [(e.actor_id, e.object_type, e.object_id, e.changed_fields) for e in entries] == [
        (officer.id, "people", None, ["filter:place_id", "filter:q", "format:csv"]),
        (officer.id, "organisations", None, ["format:xlsx"]),
    ]
    assert "amara" not in str([e.changed_fields for e in entries]).lower()
