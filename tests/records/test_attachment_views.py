"""Attaching files to records through the pages, downloading them, and who may do which."""

import io
from pathlib import Path

import pytest
from flask import has_request_context
from PIL import Image
from sqlalchemy import func, select

from engage.audit import AuditEntry
from engage.permissions import Role
from engage.records.models import EngagementRecord, RecordAttachment, Sensitivity
from engage.storage import get_storage
from tests import factories
from tests.records import samples
from tests.records.test_views import GOOD

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app):
    """Every file in the app's attachment folder (temporary files included)."""
    return sorted(p.name for p in Path(app.config["ATTACHMENTS_DIR"]).glob("*"))


def upload(data, name):
    return (io.BytesIO(data), name)


@pytest.fixture
def officer_client(app, login_as, client, officer):
    login_as(officer)
    return client


def download(client, attachment):
    response = client.get(f"/records/{attachment.record_id}/attachments/{attachment.id}")
    body = response.get_data()
    response.close()
    return response, body


def test_officer_logs_a_record_with_files_and_downloads_them(app, db, officer_client, post_form):
    docx = samples.docx()
    files = [upload(samples.pdf(), "Minutes.pdf"), upload(docx, "Notes – café.docx")]
    response = post_form("/records/new", {**GOOD, "attachments": files})
    assert response.status_code == 302
    record = db.session.scalar(select(EngagementRecord))
    assert [(a.filename, a.content_type) for a in record.attachments] == [
        ("Minutes.pdf", "application/pdf"),
        ("Notes – café.docx", DOCX),
    ]
    assert "Carers want respite planned ahead" in record.attachments[0].text
    assert "The bus only comes twice a day" in record.attachments[1].text
    assert len(stored_files(app)) == 2
    page = officer_client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "Minutes.pdf" in page and "Word document" in page

    response, body = download(officer_client, record.attachments[1])
    assert response.status_code == 200
    assert body == docx
    assert response.headers["Content-Type"] == DOCX
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Notes  cafe.docx\"; filename*=UTF-8''Notes%20%E2%80%93%20caf%C3%A9.docx"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_record_form_is_multipart_and_names_the_allowed_types(app, officer_client):
    html = officer_client.get("/records/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and " multiple" in html
    assert "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), JPEG, PNG, GIF, WebP or plain text" in html
    assert "up to 10 MB each" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.EXE, "minutes.pdf", "minutes.pdf: The selected file must be a PDF, Word (.docx)"),
        (samples.HTML, "page.txt", "page.txt: The selected file must be a PDF"),
        (b"", "empty.txt", "empty.txt: The selected file is empty"),
        # Kept under 500 kB: the test client spools bigger bodies to a file it never closes.
        (b"a" * (100 * 1024 + 1), "big.txt", "big.txt: The selected file must be smaller than 100 KB"),
        (samples.image("PNG")[:70], "broken.png", "broken.png: The selected image is damaged"),
    ],
)
def test_a_bad_file_means_the_record_is_not_saved_and_nothing_is_stored(
    app, db, officer_client, post_form, data, name, message
):
    app.config["ATTACHMENT_MAX_BYTES"] = 100 * 1024
    files = [upload(samples.TEXT, "fine.txt"), upload(data, name)]
    response = post_form("/records/new", {**GOOD, "attachments": files})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert count(db, EngagementRecord) == 0 and count(db, RecordAttachment) == 0
    assert stored_files(app) == []


def test_an_invalid_record_form_stores_none_of_its_files(app, db, officer_client, post_form):
    response = post_form("/records/new", {**GOOD, "title": "", "attachments": [upload(samples.pdf(), "a.pdf")]})
    assert "Enter a title" in response.get_data(as_text=True)
    assert count(db, RecordAttachment) == 0
    assert stored_files(app) == []


def test_files_are_removed_again_when_the_database_commit_fails(app, db, officer_client, post_form, monkeypatch):
    real_commit = db.session.commit

    def commit_failing_in_requests():
        if has_request_context():
            raise RuntimeError("the database went away")
        return real_commit()

    monkeypatch.setattr(db.session, "commit", commit_failing_in_requests, raising=False)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post_form("/records/new", {**GOOD, "attachments": [upload(samples.pdf(), "a.pdf")]})
    assert response.status_code == 500
    assert count(db, RecordAttachment) == 0
    assert stored_files(app) == []


def test_a_store_that_cannot_write_says_so_and_keeps_nothing(app, db, officer_client, post_form, monkeypatch):
    from engage import storage

    def full_disk(self, key, data, content_type):
        raise storage.StorageError("No space left on device")

    monkeypatch.setattr(storage.LocalStorage, "put", full_disk)
    response = post_form("/records/new", {**GOOD, "attachments": [upload(samples.pdf(), "a.pdf")]})
    assert response.status_code == 503
    assert "The file could not be saved just now. Nothing was stored" in response.get_data(as_text=True)
    assert count(db, EngagementRecord) == 0 and count(db, RecordAttachment) == 0


def test_photo_is_stored_without_its_gps_position(app, db, officer_client, post_form):
    record = factories.EngagementRecordFactory()
    response = post_form(
        f"/records/{record.id}/attachments",
        {"files": [upload(samples.jpeg_with_gps(), "IMG_0001.JPG")]},
        form_url=f"/records/{record.id}",
    )
    assert response.status_code == 302
    attachment = db.session.scalar(select(RecordAttachment))
    response, body = download(officer_client, attachment)
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith('inline; filename="IMG_0001.jpg"')
    photo = Image.open(io.BytesIO(body))
    assert dict(photo.getexif()) == {}
    assert b"PhoneMaker" not in body


@pytest.mark.parametrize(
    ("data", "name", "content_type", "disposition"),
    [
        (samples.pdf(), "a.pdf", "application/pdf", "inline"),
        (samples.image("PNG"), "a.png", "image/png", "inline"),
        (samples.TEXT, "a.txt", "text/plain; charset=utf-8", "attachment"),
        (samples.xlsx(), "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "attachment"),
        (
            samples.pptx(),
            "a.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "attachment",
        ),
    ],
)
def test_images_and_pdfs_open_in_the_browser_everything_else_downloads(
    app, db, officer_client, post_form, data, name, content_type, disposition
):
    record = factories.EngagementRecordFactory()
    post_form(f"/records/{record.id}/attachments", {"files": [upload(data, name)]}, form_url=f"/records/{record.id}")
    attachment = db.session.scalar(select(RecordAttachment))
    response, body = download(officer_client, attachment)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f"{disposition}; filename=\"{name}\"; filename*=UTF-8''{name}"


def test_adding_without_a_file_or_with_a_bad_one_explains_and_stores_nothing(app, db, officer_client, post_form):
    record = factories.EngagementRecordFactory()
    url = f"/records/{record.id}/attachments"
    response = post_form(url, {}, form_url=f"/records/{record.id}")
    assert response.status_code == 400
    assert "Choose a file to attach" in response.get_data(as_text=True)
    response = post_form(url, {"files": [upload(samples.SVG, "logo.svg")]}, form_url=f"/records/{record.id}")
    assert response.status_code == 400
    assert "logo.svg: The selected file must be a PDF" in response.get_data(as_text=True)
    assert count(db, RecordAttachment) == 0 and stored_files(app) == []


def test_adding_and_removing_files_is_audited_by_field_names_only(app, db, officer_client, post_form):
    record = factories.EngagementRecordFactory()
    post_form(
        f"/records/{record.id}/attachments",
        {"files": [upload(samples.TEXT, "Mrs Smith's story.txt")]},
        form_url=f"/records/{record.id}",
    )
    attachment = db.session.scalar(select(RecordAttachment))
    key = attachment.storage_key
    assert get_storage().exists(key)
    response = post_form(
        f"/records/{record.id}/attachments/{attachment.id}/delete", {}, form_url=f"/records/{record.id}"
    )
    assert response.status_code == 302
    assert count(db, RecordAttachment) == 0
    assert not get_storage().exists(key)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "record_attachments").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "delete"]
    assert "filename" in entries[0].changed_fields
    assert "Smith" not in str([e.changed_fields for e in entries])


def test_delete_needs_a_csrf_token(app, db, officer_client):
    attachment = factories.RecordAttachmentFactory()
    response = officer_client.post(f"/records/{attachment.record_id}/attachments/{attachment.id}/delete")
    assert response.status_code == 400
    assert count(db, RecordAttachment) == 1


@pytest.mark.parametrize(
    ("role", "named", "status"),
    [("reviewer", False, 404), ("reviewer", True, 200), ("officer", False, 200), ("admin", False, 200)],
)
def test_restricted_record_attachment_follows_the_record_rule(app, db, login_as, client, role, named, status):
    user = factories.UserFactory(role=Role(role))
    record = factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted, reviewers=[user] if named else [])
    attachment = factories.RecordAttachmentFactory(record=record, content=b"confidential notes")
    login_as(user)
    response, body = download(client, attachment)
    assert response.status_code == status
    views = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "record_attachments", AuditEntry.action == "view")
    ).all()
    if status == 200:
        assert body == b"confidential notes"
        assert [(v.actor_id, v.object_id) for v in views] == [(user.id, str(attachment.id))]
    else:
        assert b"confidential notes" not in body
        assert views == []


def test_partners_record_attachment_download_is_not_logged_as_a_view(app, db, login_as, client, reviewer):
    attachment = factories.RecordAttachmentFactory()
    login_as(reviewer)
    response, _body = download(client, attachment)
    assert response.status_code == 200
    assert count(db, AuditEntry) == 0


def test_guessing_an_attachment_id_under_another_record_gives_404(app, db, login_as, client, post_form, officer):
    mine = factories.EngagementRecordFactory()
    secret = factories.RecordAttachmentFactory(
        record=factories.EngagementRecordFactory(sensitivity=Sensitivity.restricted), content=b"secret"
    )
    login_as(officer)
    response = client.get(f"/records/{mine.id}/attachments/{secret.id}")
    assert response.status_code == 404
    response = post_form(f"/records/{mine.id}/attachments/{secret.id}/delete", form_url=f"/records/{mine.id}")
    assert response.status_code == 404
    assert count(db, RecordAttachment) == 1


def test_anonymous_visitor_is_sent_to_sign_in_for_an_attachment(app, client):
    attachment = factories.RecordAttachmentFactory()
    response = client.get(f"/records/{attachment.record_id}/attachments/{attachment.id}")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


def test_reviewer_sees_files_but_no_upload_or_remove_controls(app, db, login_as, client, post_form, reviewer):
    attachment = factories.RecordAttachmentFactory(filename="notes <b>bold</b>.txt")
    login_as(reviewer)
    html = client.get(f"/records/{attachment.record_id}").get_data(as_text=True)
    assert "notes &lt;b&gt;bold&lt;/b&gt;.txt" in html
    assert "Attach files" not in html and "Remove" not in html
    record_url = f"/records/{attachment.record_id}"
    response = post_form(f"{record_url}/attachments/{attachment.id}/delete", form_url=record_url)
    assert response.status_code == 403
    assert count(db, RecordAttachment) == 1


def test_deleting_a_record_removes_its_attachment_rows(app, db):
    attachment = factories.RecordAttachmentFactory()
    db.session.delete(attachment.record)
    db.session.commit()
    assert count(db, RecordAttachment) == 0
