"""Consultation documents: uploads checked like record attachments, links, and freezing at opening.

Before the consultation opens, officers edit and remove documents in place. From the opening they are
frozen: a replacement is a new dated version, withdrawal is a dated event, and every version stays
downloadable, so the page shows what was available when.
"""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from engage import extensions
from engage.audit import AuditEntry
from engage.consultations.models import (
    ConsultationDocument,
    ConsultationDocumentVersion,
    ConsultationStage,
)
from engage.permissions import Role
from tests import factories
from tests.pages import count_rows, main_content, page_title, plain, text_of
from tests.records import samples

OPENS = datetime(2019, 7, 1, 8, 0, tzinfo=UTC)  # 9am BST
CLOSES = datetime(2019, 8, 16, 22, 59, tzinfo=UTC)
BEFORE = datetime(2019, 6, 20, 10, 0, tzinfo=UTC)
REPLACED = datetime(2019, 7, 20, 10, 0, tzinfo=UTC)
PDF_CHANGED = datetime(2019, 7, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer_client(app, login_as, client, officer):
    login_as(officer)
    return client


@pytest.fixture
def travel(clock, login_as, officer):
    """Move the clock, signing the officer in again (a session idle for days has expired)."""

    def move(when):
        clock.move_to(when)
        login_as(officer)

    return move


@pytest.fixture
def consultation(app):
    """Ready, so it opens by itself at OPENS; a draft until then for residents."""
    return factories.ConsultationFactory(
        slug="west-kent-urgent-care", stage=ConsultationStage.ready, opens_at=OPENS, closes_at=CLOSES
    )


def stored_files(app):
    return sorted(p.name for p in Path(app.config["ATTACHMENTS_DIR"]).glob("*"))


def upload(data, name):
    return (io.BytesIO(data), name)


def add_url(consultation):
    return f"/consultations/manage/{consultation.id}/documents/new"


def manage_url(consultation, document, action):
    return f"/consultations/manage/{consultation.id}/documents/{document.id}/{action}"


def download(client, consultation, version):
    response = client.get(f"/consultations/{consultation.slug}/documents/{version.id}")
    body = response.get_data()
    response.close()
    return response, body


def add_pdf(post_form, consultation, title="Full consultation document"):
    response = post_form(
        add_url(consultation),
        {"kind": "full", "title": title, "file": upload(samples.pdf(), "Full document – final.pdf")},
    )
    assert response.status_code == 302, text_of(response)
    return extensions.db.session.scalars(select(ConsultationDocument).where(ConsultationDocument.title == title)).one()


def test_officer_uploads_a_document_and_only_officers_can_download_it_before_opening(
    app, db, officer_client, post_form, consultation, client, login_as
):
    document = add_pdf(post_form, consultation)
    version = document.current
    assert (version.number, version.filename, version.content_type) == (
        1,
        "Full document – final.pdf",
        "application/pdf",
    )
    assert version.url == "" and stored_files(app) == [version.storage_key]

    response, body = download(officer_client, consultation, version)
    assert response.status_code == 200 and body == samples.pdf()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('inline; filename="Full document  final.pdf"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"

    actions = db.session.execute(select(AuditEntry.action, AuditEntry.object_type)).all()
    assert ("create", "consultation_documents") in actions and ("create", "consultation_document_versions") in actions

    # Residents (and staff who cannot manage consultations) get nothing before the opening.
    anonymous = app.test_client()
    assert download(anonymous, consultation, version)[0].status_code == 404
    reviewer_client = login_as(factories.UserFactory(role=Role.reviewer), on=app.test_client())
    assert download(reviewer_client, consultation, version)[0].status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.EXE, "summary.pdf", "The selected file must be a PDF, Word (.docx)"),
        (samples.HTML, "summary.txt", "The selected file must be a PDF"),
        (b"", "empty.pdf", "The selected file is empty"),
        (b"a" * (100 * 1024 + 1), "big.txt", "The selected file must be smaller than 100 KB"),
    ],
)
def test_a_bad_file_stores_nothing_and_says_why(app, db, officer_client, post_form, consultation, data, name, message):
    app.config["ATTACHMENT_MAX_BYTES"] = 100 * 1024
    response = post_form(add_url(consultation), {"kind": "summary", "title": "Summary", "file": upload(data, name)})
    html = text_of(response)
    assert response.status_code == 400 and page_title(response).startswith("Error: ")
    assert "There is a problem" in html and message in html
    assert count_rows(db, ConsultationDocument) == 0 and count_rows(db, ConsultationDocumentVersion) == 0
    assert stored_files(app) == []


def test_a_document_needs_a_file_or_a_link_but_not_both(app, db, officer_client, post_form, consultation):
    form = text_of(officer_client.get(add_url(consultation)))
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and 'accept=".pdf,' in form
    assert "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), JPEG, PNG, GIF, WebP or plain text" in form
    neither = post_form(add_url(consultation), {"kind": "summary", "title": "Summary"})
    assert neither.status_code == 400 and "Upload a file or give the web address of the document" in text_of(neither)
    both = post_form(
        add_url(consultation),
        {
            "kind": "summary",
            "title": "Summary",
            "url": "https://www.example.org/s.pdf",
            "file": upload(samples.TEXT, "s.txt"),
        },
    )
    assert both.status_code == 400 and "Upload a file or give a web address, not both" in text_of(both)
    assert count_rows(db, ConsultationDocument) == 0 and stored_files(app) == []


def test_before_opening_a_document_is_edited_in_place_and_can_be_removed(
    app, db, officer_client, post_form, consultation
):
    document = add_pdf(post_form, consultation)
    old_key = document.current.storage_key
    response = post_form(
        manage_url(consultation, document, "edit"),
        {"kind": "full", "title": "The plans in full", "file": upload(samples.TEXT, "plans.txt")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.get(ConsultationDocument, document.id)
    assert document.title == "The plans in full" and len(document.versions) == 1
    assert document.current.filename == "plans.txt" and stored_files(app) == [document.current.storage_key]
    assert old_key not in stored_files(app)

    detail = f"/consultations/manage/{consultation.id}"
    assert post_form(manage_url(consultation, document, "delete"), form_url=detail).status_code == 302
    assert count_rows(db, ConsultationDocument) == 0 and count_rows(db, ConsultationDocumentVersion) == 0
    assert stored_files(app) == []
    deleted = db.session.scalars(select(AuditEntry.object_type).where(AuditEntry.action == "delete")).all()
    assert sorted(deleted) == ["consultation_document_versions", "consultation_documents"]


def test_replacing_before_opening_is_refused(app, db, officer_client, post_form, consultation):
    document = factories.ConsultationDocumentFactory(consultation=consultation)
    response = post_form(
        manage_url(consultation, document, "replace"),
        {"url": "https://www.example.org/v2.pdf"},
        form_url=f"/consultations/manage/{consultation.id}",
    )
    assert response.status_code == 400 and "until the consultation opens, edit the document" in text_of(response)
    assert count_rows(db, ConsultationDocumentVersion) == 1


def test_after_opening_documents_are_frozen_and_a_replacement_is_a_new_dated_version(
    app, db, officer_client, post_form, consultation, client, travel
):
    document = add_pdf(post_form, consultation)
    first = document.current
    detail = f"/consultations/manage/{consultation.id}"
    travel(OPENS + timedelta(days=1))

    # Editing in place and removing are refused, and nothing changes.
    edit_page = officer_client.get(manage_url(consultation, document, "edit"), follow_redirects=True)
    assert "so it cannot be changed or removed" in text_of(edit_page)
    edit = post_form(
        manage_url(consultation, document, "edit"),
        {"kind": "summary", "title": "Changed", "url": "https://www.example.org/x"},
        form_url=detail,
        follow_redirects=True,
    )
    assert "replace it with a new version, or withdraw it" in text_of(edit)
    remove = post_form(manage_url(consultation, document, "delete"), form_url=detail, follow_redirects=True)
    assert "replace it with a new version, or withdraw it" in text_of(remove)
    db.session.expire_all()
    document = db.session.get(ConsultationDocument, document.id)
    assert document.title == "Full consultation document" and len(document.versions) == 1

    travel(REPLACED)
    response = post_form(
        manage_url(consultation, document, "replace"),
        {
            "file": upload(samples.pdf("Corrected figures"), "Full document v2.pdf"),
            "note": "corrected figures on page 4",
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    document = db.session.get(ConsultationDocument, document.id)
    assert [v.number for v in document.versions] == [1, 2]
    second = document.current
    assert second.note == "corrected figures on page 4" and second.added_at == REPLACED
    assert len(stored_files(app)) == 2

    # Residents get version 2 as current, and version 1 is still downloadable from the history.
    page = plain(main_content(client.get(f"/consultations/{consultation.slug}")))
    assert "Updated 20 July 2019: corrected figures on page 4" in page
    assert "Version 1, published 1 July 2019 (available from opening until 20 July 2019)" in page
    assert "Version 2, added 20 July 2019: corrected figures on page 4" in page
    response, body = download(client, consultation, first)
    assert response.status_code == 200 and body == samples.pdf()
    response, body = download(client, consultation, second)
    assert response.status_code == 200 and body == samples.pdf("Corrected figures")

    # The officers' page shows the same history with Replace and Withdraw, not Edit or Remove.
    staff = plain(main_content(officer_client.get(detail)))
    assert "Version 1, published 1 July 2019 (available from opening until 20 July 2019)" in staff
    assert "Replace Full consultation document with a new version" in staff and "Withdraw" in staff
    assert "Remove document" not in staff and "Edit Full consultation document" not in staff
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "consultation_document_versions").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.action == "create" and "note" in entry.changed_fields and "corrected" not in str(entry.changed_fields)


def test_a_link_can_be_replaced_by_a_link_and_withdrawing_is_a_dated_event(
    app, db, officer_client, post_form, consultation, client, travel
):
    document = factories.ConsultationDocumentFactory(
        consultation=consultation, title="Easy read", url="https://www.example.org/easy-v1"
    )
    link_version = document.current
    travel(REPLACED)
    post_form(manage_url(consultation, document, "replace"), {"url": "https://www.example.org/easy-v2"})
    travel(PDF_CHANGED)
    response = post_form(manage_url(consultation, document, "withdraw"), {"note": "the easy read was out of date"})
    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.get(ConsultationDocument, document.id)
    assert document.withdrawn_at == PDF_CHANGED and [v.url for v in document.versions] == [
        "https://www.example.org/easy-v1",
        "https://www.example.org/easy-v2",
    ]
    body = main_content(client.get(f"/consultations/{consultation.slug}"))
    page = plain(body)
    assert "No documents have been published" in page  # nothing current: it was withdrawn
    assert "Withdrawn on 25 July 2019: the easy read was out of date" in page
    assert "Version 2, added 20 July 2019 (available until 25 July 2019)" in page
    assert 'href="https://www.example.org/easy-v1"' in body
    # A link has nothing to download; withdrawing twice is refused with a message.
    assert download(client, consultation, link_version)[0].status_code == 404
    detail = f"/consultations/manage/{consultation.id}"
    again = post_form(manage_url(consultation, document, "withdraw"), {}, form_url=detail)
    assert again.status_code == 400 and "already been withdrawn" in text_of(again)
    replace = post_form(
        manage_url(consultation, document, "replace"), {"url": "https://www.example.org/easy-v3"}, form_url=detail
    )
    assert replace.status_code == 400 and "has been withdrawn" in text_of(replace)
    withdrawals = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "consultation_documents", AuditEntry.action == "update")
    ).all()
    assert len(withdrawals) == 1 and "withdrawn_at" in withdrawals[0].changed_fields


def test_a_version_is_only_served_under_its_own_consultation(app, db, client, consultation, clock):
    clock.move_to(OPENS + timedelta(days=1))
    other = factories.ConsultationFactory(stage=ConsultationStage.ready, opens_at=OPENS, closes_at=CLOSES)
    version = factories.ConsultationDocumentFactory(consultation=other, content=b"Other").current
    db.session.commit()
    assert download(client, consultation, version)[0].status_code == 404
    assert download(client, other, version)[0].status_code == 200
    assert client.get(f"/consultations/{consultation.slug}/documents/999999").status_code == 404
    assert client.get(f"/consultations/no-such-consultation/documents/{version.id}").status_code == 404


def test_a_store_that_cannot_write_says_so_and_keeps_nothing(
    app, db, officer_client, post_form, consultation, monkeypatch
):
    from engage import storage

    def full_disk(self, key, data, content_type):
        raise storage.StorageError("No space left on device")

    monkeypatch.setattr(storage.LocalStorage, "put", full_disk)
    response = post_form(
        add_url(consultation), {"kind": "summary", "title": "Summary", "file": upload(samples.pdf(), "s.pdf")}
    )
    assert response.status_code == 503
    assert "The file could not be saved just now. Nothing was stored" in text_of(response)
    assert count_rows(db, ConsultationDocument) == 0 and count_rows(db, ConsultationDocumentVersion) == 0


def test_an_uploaded_photo_is_stored_without_its_gps_position(app, db, officer_client, post_form, consultation):
    from PIL import Image

    response = post_form(
        add_url(consultation),
        {"kind": "other", "title": "Map of the sites", "file": upload(samples.jpeg_with_gps(), "map.JPG")},
    )
    assert response.status_code == 302
    version = db.session.scalar(select(ConsultationDocumentVersion))
    assert (version.filename, version.content_type) == ("map.jpg", "image/jpeg")
    _response, body = download(officer_client, consultation, version)
    with Image.open(io.BytesIO(body)) as image:
        assert not image.getexif()


def test_the_demo_open_consultation_shows_a_corrected_document_and_its_history(app, db, client, clock):
    from engage.demo import load_demo

    clock.move_to(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    load_demo()
    db.session.commit()
    response = client.get("/consultations/urgent-treatment-centres-west-kent")
    page = plain(main_content(response))
    assert "Summary of the options (Text, " in page
    assert "Updated 13 November 2026: corrected the bus travel time from Sevenoaks" in page
    assert "Version 1, published 9 November 2026 (available from opening until 13 November 2026)" in page
    summary = db.session.scalar(
        select(ConsultationDocument).where(ConsultationDocument.title == "Summary of the options")
    )
    slug = "urgent-treatment-centres-west-kent"
    first = client.get(f"/consultations/{slug}/documents/{summary.versions[0].id}")
    assert first.status_code == 200 and b"40 minutes" in first.get_data()
    first.close()
    seed = plain(main_content(client.get("/consultations/live-your-best-life-dartford-gravesham-swanley-2019")))
    assert "Version 1, published 28 June 2019 (available from opening)" in seed


def test_a_document_added_while_open_is_published_at_once_so_it_is_frozen_too(
    app, db, officer_client, post_form, consultation, client, travel
):
    travel(REPLACED)
    response = post_form(
        add_url(consultation),
        {"kind": "other_language", "language": "Polski", "title": "Plany", "url": "https://e.org/pl"},
    )
    assert response.status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    detail = f"/consultations/manage/{consultation.id}"
    post_form(manage_url(consultation, document, "delete"), form_url=detail)
    assert count_rows(db, ConsultationDocument) == 1
    page = plain(main_content(client.get(f"/consultations/{consultation.slug}")))
    assert "Plany – Another language: Polski" in page and "Version 1, added 20 July 2019" in page


def test_replace_and_withdraw_pages_are_not_offered_before_opening(app, officer_client, consultation):
    document = factories.ConsultationDocumentFactory(consultation=consultation)
    for action in ("replace", "withdraw"):
        response = officer_client.get(manage_url(consultation, document, action), follow_redirects=True)
        assert "until the consultation opens, edit or remove the document" in text_of(response)
