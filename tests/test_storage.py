"""The file store: a local folder and an S3-compatible bucket (moto's server on 127.0.0.1) behave alike."""

import io
import uuid

import pytest
from sqlalchemy import select

from engage import storage
from engage.permissions import Role
from engage.records.models import RecordAttachment
from tests import factories
from tests.records import samples

S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on a free port of 127.0.0.1, with test credentials in the environment."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        for name, value in S3_ENV.items():
            env.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def bucket(s3_server):
    """A new, empty bucket on the S3 server."""
    import boto3

    name = f"engage-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    yield name
    client.close()


def round_trip(store):
    key = storage.new_key()
    store.put(key, b"minutes of the meeting", "text/plain")
    assert store.exists(key)
    fh = store.open(key)
    assert b"".join(storage.iter_file(fh)) == b"minutes of the meeting"
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting twice is not an error
    with pytest.raises(storage.StorageError):
        store.open(key)


def test_local_storage_puts_opens_and_deletes(tmp_path):
    round_trip(storage.LocalStorage(tmp_path / "files"))


def test_local_storage_refuses_keys_that_are_not_its_own(tmp_path):
    store = storage.LocalStorage(tmp_path)
    for key in ("../secret", "a/b", "", "A" * 32):
        with pytest.raises(ValueError, match="not a storage key"):
            store.put(key, b"x", "text/plain")


def test_local_storage_leaves_no_partial_file_when_a_write_fails(tmp_path, monkeypatch):
    import os

    store = storage.LocalStorage(tmp_path)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(storage.StorageError):
        store.put(storage.new_key(), b"x" * 1000, "text/plain")
    assert list(tmp_path.iterdir()) == []


def test_s3_storage_puts_opens_and_deletes(s3_server, bucket):
    round_trip(storage.S3Storage(bucket, endpoint_url=s3_server, region="eu-west-2"))


def test_s3_storage_reports_an_unreachable_bucket_as_a_storage_error(s3_server):
    store = storage.S3Storage("no-such-bucket", endpoint_url=s3_server, region="eu-west-2")
    with pytest.raises(storage.StorageError):
        store.put(storage.new_key(), b"x", "text/plain")


def test_attachments_folder_inside_static_is_refused(make_app):
    from pathlib import Path

    import engage

    static = Path(engage.__file__).parent / "static" / "uploads"
    with pytest.raises(RuntimeError, match="must not be inside the static folder"):
        make_app(ATTACHMENTS_DIR=str(static))


def test_upload_and_download_through_the_app_with_s3_configured(make_app, s3_server, bucket, login_as, post_form):
    app = make_app(ATTACHMENTS_S3_BUCKET=bucket, ATTACHMENTS_S3_ENDPOINT_URL=s3_server)
    with app.app_context():
        from engage.extensions import db

        assert isinstance(storage.get_storage(), storage.S3Storage)
        client = app.test_client()
        login_as(factories.UserFactory(role=Role.officer), on=client)
        record = factories.EngagementRecordFactory()
        photo = samples.jpeg_with_gps()
        response = post_form(
            f"/records/{record.id}/attachments",
            {"files": [(io.BytesIO(photo), "photo.jpg"), (io.BytesIO(samples.pdf()), "minutes.pdf")]},
            form_url=f"/records/{record.id}",
            on=client,
        )
        assert response.status_code == 302
        photo_row, pdf_row = db.session.scalars(select(RecordAttachment).order_by(RecordAttachment.id)).all()
        objects = storage.get_storage().client.list_objects_v2(Bucket=bucket)["Contents"]
        assert sorted(o["Key"] for o in objects) == sorted(
            f"attachments/{row.storage_key}" for row in (photo_row, pdf_row)
        )
        response = client.get(f"/records/{record.id}/attachments/{pdf_row.id}")
        assert response.get_data() == samples.pdf()
        assert response.headers["Content-Type"] == "application/pdf"
        response.close()
        response = client.get(f"/records/{record.id}/attachments/{photo_row.id}")
        body = response.get_data()
        response.close()
        assert body[:3] == b"\xff\xd8\xff" and b"PhoneMaker" not in body

        pdf_key, photo_key = pdf_row.storage_key, photo_row.storage_key
        response = post_form(
            f"/records/{record.id}/attachments/{pdf_row.id}/delete", form_url=f"/records/{record.id}", on=client
        )
        assert response.status_code == 302
        assert not storage.get_storage().exists(pdf_key)
        assert storage.get_storage().exists(photo_key)
