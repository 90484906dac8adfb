"""The stakeholder map journey: an officer builds the map, imports a spreadsheet and exports it."""

import csv
import io

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

IMPORT_CSV = (
    "Name,Type,Places,Postcode,Influence,Interest\n"
    "Snodland Carers Circle,Voluntary or community group,West Kent,ME6 5AA,2,5\n"
    "Paddock Wood Men's Shed,Voluntary or community group,Narnia,TN12 6AA,1,4\n"
    ",Council,West Kent,,3,3\n"
    "Healthwatch Kent,Healthwatch,East Kent,,3,5\n"
)


def test_officer_builds_the_map_imports_and_exports(page, tmp_path):
    sign_in(page, "officer@example.org")
    page.get_by_role("link", name="Stakeholders", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stakeholder map")
    assert_accessible(page, "stakeholders-grid")

    # An organisation, with influence and interest.
    page.get_by_role("link", name="Organisations", exact=True).click()
    assert_accessible(page, "stakeholders-organisations")
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the organisation's name")
    assert_accessible(page, "stakeholders-organisation-form-error")
    page.get_by_label("Name", exact=True).fill("Larkfield Dementia Café")
    page.get_by_label("Type").select_option(label="Voluntary or community group")
    page.get_by_label("Postcode (optional)").fill("me20 6aa")
    page.locator("fieldset", has_text="Influence").get_by_label("5 (very high)").check()
    page.locator("fieldset", has_text="Interest").get_by_label("5 (very high)").check()
    page.get_by_label("Kent and Medway › West Kent", exact=True).check()
    page.get_by_label("Dementia").check()
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text("Added Larkfield Dementia Café to the map.")).to_be_visible()
    expect(page.get_by_text("ME20 6AA")).to_be_visible()
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Manage closely")
    assert_accessible(page, "stakeholders-organisation")

    # A person with communication needs, linked to it, with consent.
    page.goto("/stakeholders/people/new")
    page.get_by_label("Full name").fill("Maureen Fisher")
    page.get_by_label("Email address (optional)").fill("Maureen.Fisher@Example.org")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Communication needs").first).to_be_visible()
    page.get_by_label("Link to an organisation").fill("Larkfield Dementia Café")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_text("Maureen Fisher is now linked to Larkfield Dementia Café.")).to_be_visible()
    page.get_by_label("They agreed to be contacted").check()
    page.get_by_label("Public task").check()
    page.get_by_label("Date").fill("2026-11-02")
    page.get_by_label("How we know").fill("Signed form at the Larkfield memory café")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    assert_accessible(page, "stakeholders-person")

    # On the grid: the manage-closely quadrant links to a list containing the new organisation.
    page.goto("/stakeholders/")
    page.locator("table").first.get_by_role("link", name="organisations to manage closely").click()
    expect(page.get_by_role("link", name="Larkfield Dementia Café")).to_be_visible()

    # Import a CSV with bad rows: read the report, then confirm.
    page.goto("/stakeholders/import")
    assert_accessible(page, "stakeholders-import")
    page.get_by_label("Organisations").check()
    page.locator("input[type=file]").set_input_files(
        {"name": "partners.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()}
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Check the rows").click()
    report = page.locator("table")
    expect(report).to_contain_text("Unknown place 'Narnia'")
    expect(report).to_contain_text("Missing name")
    expect(report).to_contain_text("Updates #")
    assert_accessible(page, "stakeholders-import-report")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Import finished: 1 created, 1 updated, 2 rejected rows left out.")).to_be_visible()
    expect(page.get_by_role("link", name="Snodland Carers Circle")).to_be_visible()

    # Export the filtered list: the imported organisation is in it, the formula-safe way.
    page.goto("/stakeholders/organisations?q=snodland")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["ID", "Name", "Type"]
    assert [r[1] for r in rows[1:]] == ["Snodland Carers Circle"]


def test_reviewer_reads_the_map_but_cannot_change_it(page):
    sign_in(page, "reviewer@example.org")
    page.goto("/stakeholders/organisations")
    expect(page.get_by_role("link", name="Add an organisation")).to_have_count(0)
    expect(page.get_by_role("link", name="CSV")).to_have_count(0)
    page.get_by_role("link", name="Healthwatch Kent", exact=True).click()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    response = page.goto("/stakeholders/organisations/new")
    assert response.status == 403
