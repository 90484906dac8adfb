"""Drafting a charter: versions on every save, restore, stale-save refusal, comparing versions, bad input."""

import pytest
from sqlalchemy import select

from engage.audit import AuditEntry
from engage.charters.models import Charter, CharterStage, CharterVersion, CharterVersionSection
from engage.extensions import db
from tests import factories
from tests.pages import count_rows, main_content, page_title, plain, text_of

NEW = {
    "title": "West Kent patient involvement charter",
    "slug": "west-kent-patient-involvement",
    "purpose": "How the partnership involves patients and residents.",
    "heading": "Our promise",
    "body": "We will **listen** to patients.",
}


def edit_data(charter, *, base=None, summary="Changed the promise", sections=None, extra=()):
    """Form data for the sections editor: the latest version's sections unless given, plus extra new ones."""
    latest = charter.latest
    rows = sections if sections is not None else [(s.key, s.heading, s.body) for s in latest.sections]
    data = {"base_version": str(base or latest.number), "summary": summary}
    for i, (key, heading, body) in enumerate([*rows, *extra]):
        data.update({f"sections-{i}-key": key or "", f"sections-{i}-heading": heading, f"sections-{i}-body": body})
        data[f"sections-{i}-position"] = str(i + 1)
    return data


def test_officer_starts_a_charter_with_version_1_and_an_audit_entry(app, client, login_as, post_form, officer):
    place = factories.PlaceFactory(name="West Kent")
    login_as(officer)
    response = post_form("/charters/manage/new", {**NEW, "owner_id": str(officer.id), "places": [str(place.id)]})
    assert response.status_code == 302
    charter = db.session.scalar(select(Charter))
    assert charter.stage == CharterStage.drafting and charter.owner_id == officer.id
    assert [p.name for p in charter.places] == ["West Kent"]
    assert charter.latest.number == 1 and charter.latest.sections[0].heading == "Our promise"
    page = main_content(client.get(response.headers["Location"]))
    assert "<strong>listen</strong>" in page and "Version 1" in plain(page)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type.like("charter%"))).all()
    assert {e.object_type for e in entries} == {"charters", "charter_versions"}
    assert all("listen" not in str(e.changed_fields) for e in entries)


def test_every_save_adds_an_immutable_version_with_author_time_and_summary(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    first = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    login_as(officer)
    url = f"/charters/manage/{charter.id}/edit"
    changed = [(first[0][0], first[0][1], "We will always listen to patients."), first[1]]
    response = post_form(url, edit_data(charter, sections=changed, extra=[("", "Feedback", "Tell us how we did.")]))
    assert response.status_code == 302, plain(main_content(response))
    db.session.refresh(charter)
    assert [v.number for v in charter.versions] == [1, 2]
    v1, v2 = charter.versions
    assert v1.sections[0].body == first[0][2], "version 1 is unchanged"
    assert v2.author_id == officer.id and v2.summary == "Changed the promise"
    assert [s.heading for s in v2.sections] == ["Our promise", "How to take part", "Feedback"]
    assert v2.sections[0].key == v1.sections[0].key, "a section keeps its key across versions"


def test_sections_can_be_reordered_and_removed(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    (k1, h1, b1), (k2, h2, b2) = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    login_as(officer)
    data = edit_data(charter, sections=[(k1, h1, b1), (k2, h2, b2)])
    data.update({"sections-0-position": "2", "sections-1-position": "1"})
    post_form(f"/charters/manage/{charter.id}/edit", data)
    db.session.refresh(charter)
    assert [s.key for s in charter.latest.sections] == [k2, k1]
    data = edit_data(charter, summary="Removed a section")
    data["sections-1-remove"] = "y"
    post_form(f"/charters/manage/{charter.id}/edit", data)
    db.session.refresh(charter)
    assert [s.key for s in charter.latest.sections] == [k2]


def test_an_empty_section_heading_is_refused_and_nothing_is_stored(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    data = edit_data(charter)
    data["sections-0-heading"] = "   "
    response = post_form(f"/charters/manage/{charter.id}/edit", data)
    assert response.status_code == 400
    assert page_title(response).startswith("Error:")
    assert "Enter a heading for section 1" in plain(main_content(response))
    assert count_rows(db, CharterVersion) == 1


def test_saving_with_nothing_changed_or_no_summary_is_refused(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    same = post_form(f"/charters/manage/{charter.id}/edit", edit_data(charter))
    assert same.status_code == 400 and "Nothing has changed since version 1" in plain(main_content(same))
    no_summary = post_form(f"/charters/manage/{charter.id}/edit", edit_data(charter, summary=""))
    assert "Say briefly what you changed" in plain(main_content(no_summary))
    assert count_rows(db, CharterVersion) == 1


def test_a_stale_save_is_refused_with_an_explanation_and_a_diff_of_what_changed(
    app, client, login_as, post_form, officer, admin
):
    charter = factories.CharterFactory(
        sections=[("Our promise", "We will listen to patients."), ("Taking part", "Join.")]
    )
    (k1, h1, b1), second = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    login_as(officer)
    url = f"/charters/manage/{charter.id}/edit"
    # The admin opened the editor on version 1 too, then the officer saved version 2 first.
    admin_client = app.test_client()
    login_as(admin, on=admin_client)
    admin_page = admin_client.get(url)
    post_form(url, edit_data(charter, sections=[(k1, h1, "We will listen to every patient."), second]))
    db.session.refresh(charter)
    assert charter.latest.number == 2
    from tests.conftest import csrf_token_from

    stale = edit_data(charter, base=1, sections=[(k1, h1, "My own words."), second], summary="Mine")
    response = admin_client.post(url, data={"csrf_token": csrf_token_from(admin_page), **stale})
    assert response.status_code == 409
    body = main_content(response)
    page = plain(body)
    assert "Your changes were not saved" in page and "saved version 2" in page
    assert "<del>patients</del><ins>every patient</ins>" in body, "the diff marks the words changed meanwhile"
    assert "My own words." in page, "the unsaved text is shown so it can be copied"
    assert page_title(response).startswith("Error:")
    assert count_rows(db, CharterVersion) == 2
    assert [s.body for s in charter.latest.sections][0] == "We will listen to every patient."


def test_restoring_an_old_version_adds_a_new_version_with_its_text(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    original = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    login_as(officer)
    post_form(f"/charters/manage/{charter.id}/edit", edit_data(charter, sections=[original[0]], summary="Cut"))
    response = post_form(
        f"/charters/manage/{charter.id}/versions/1/restore", form_url=f"/charters/manage/{charter.id}/versions/1"
    )
    assert response.status_code == 302
    db.session.refresh(charter)
    assert [v.number for v in charter.versions] == [1, 2, 3]
    assert [(s.key, s.heading, s.body) for s in charter.latest.sections] == original
    assert charter.latest.restored_from == 1 and charter.latest.summary == "Restored version 1"


def test_comparing_versions_marks_words_within_sentences_and_escapes_text(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    (k1, h1, b1), (k2, h2, b2) = [(s.key, s.heading, s.body) for s in charter.latest.sections]
    login_as(officer)
    post_form(
        f"/charters/manage/{charter.id}/edit",
        edit_data(
            charter, sections=[(k1, "Our promises", b1 + " Always."), (k2, h2, b2)], extra=[("", "New", "<b>x</b>")]
        ),
    )
    response = client.get(f"/charters/manage/{charter.id}/compare?old=1&new=2")
    body = main_content(response)
    assert response.status_code == 200
    assert "<ins> Always.</ins>" in body and "Our <del>promise</del><ins>promises</ins>" in body
    assert "Section added" in plain(body) and "Renamed" in plain(body)
    assert "<script>alert" not in body and "<b>x</b>" not in body
    missing = client.get(f"/charters/manage/{charter.id}/compare?old=1&new=9")
    assert missing.status_code == 400 and "Choose two versions of this charter" in plain(main_content(missing))
    junk = client.get(f"/charters/manage/{charter.id}/compare?old=abc&new=")
    assert junk.status_code == 400


def test_the_editor_is_closed_unless_drafting(app, client, login_as, officer):
    charter = factories.CharterFactory(stage=CharterStage.awaiting_approval)
    login_as(officer)
    response = client.get(f"/charters/manage/{charter.id}/edit", follow_redirects=True)
    assert "can be edited only while drafting" in plain(main_content(response))


def test_a_tampered_section_key_is_refused(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    data = edit_data(charter, summary="Sneaky")
    data["sections-0-key"] = "not-a-real-key"
    response = post_form(f"/charters/manage/{charter.id}/edit", data)
    assert response.status_code == 400 and "is not part of this charter" in plain(main_content(response))
    assert count_rows(db, CharterVersionSection) == 2


def test_the_edit_form_carries_the_version_it_started_from(app, client, login_as, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    body = text_of(client.get(f"/charters/manage/{charter.id}/edit"))
    assert 'name="base_version" type="hidden" value="1"' in body


def test_a_long_heading_or_position_gets_a_clear_message_and_nothing_is_stored(
    app, client, login_as, post_form, officer
):
    charter = factories.CharterFactory()
    login_as(officer)
    data = edit_data(charter)
    data["sections-0-heading"] = "h" * 201
    data["sections-1-position"] = "second"
    response = post_form(f"/charters/manage/{charter.id}/edit", data)
    page = plain(main_content(response))
    assert response.status_code == 400
    assert "Keep each section heading to 200 characters" in page
    assert "Enter the position of section 2 as a whole number" in page
    assert count_rows(db, CharterVersion) == 1


def test_nul_characters_are_dropped_not_stored(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    data = edit_data(charter, summary="Null\x00 bytes")
    data["sections-0-body"] = "Text with a \x00 NUL"
    assert post_form(f"/charters/manage/{charter.id}/edit", data).status_code == 302
    db.session.refresh(charter)
    assert charter.latest.sections[0].body == "Text with a  NUL" and charter.latest.summary == "Null bytes"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"heading": ""}, "Enter a heading for the first section"),
        ({"slug": "Not A Slug!"}, "Use only lower-case letters"),
        ({"slug": "manage"}, "used by Engage itself"),
        ({"owner_id": "99999"}, "Choose the owner from the list"),
        ({"owner_id": "abc"}, "Choose the owner from the list"),
        ({"places": ["abc"]}, "Choose places it covers from the list"),
        ({"body": "x" * 50_001}, "must be 50,000 characters or fewer"),
    ],
)
def test_bad_new_charter_details_get_clear_messages_and_nothing_is_stored(
    app, client, login_as, post_form, officer, changes, message
):
    login_as(officer)
    response = post_form("/charters/manage/new", {**NEW, "owner_id": str(officer.id), **changes})
    assert response.status_code == 400
    assert message in plain(main_content(response))
    assert count_rows(db, Charter) == 0 and count_rows(db, CharterVersion) == 0


def test_a_web_address_already_in_use_is_refused(app, client, login_as, post_form, officer):
    factories.CharterFactory(slug="west-kent-patient-involvement")
    login_as(officer)
    response = post_form("/charters/manage/new", {**NEW, "owner_id": str(officer.id)})
    assert response.status_code == 400 and "Another charter already uses that web address" in plain(
        main_content(response)
    )


def test_details_are_edited_without_a_new_version_and_audited_by_field_name(app, client, login_as, post_form, officer):
    charter = factories.CharterFactory()
    login_as(officer)
    url = f"/charters/manage/{charter.id}/details"
    response = post_form(
        url, {"title": "New title", "slug": charter.slug, "purpose": "New purpose", "owner_id": str(officer.id)}
    )
    assert response.status_code == 302
    db.session.refresh(charter)
    assert charter.title == "New title" and len(charter.versions) == 1
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "charters")).all()[-1]
    assert entry.changed_fields == ["owner_id", "purpose", "title"]
