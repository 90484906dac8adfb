"""One interface for stored files (attachments): a local folder by default, or an S3-compatible bucket.

Keys are made here, at random; nothing a user typed ever becomes part of a path or an object name.
"""

import logging
import os
import re
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

#: What new_key() makes, and all a key may be: a LocalStorage path can never escape its folder.
KEY_RE = re.compile(r"\A[0-9a-f]{32}\Z")
CHUNK = 64 * 1024


class StorageError(Exception):
    """A file could not be written, read or deleted (disk full, bucket unreachable...)."""


def new_key():
    """Return a new random storage key (128 bits, hex)."""
    return secrets.token_hex(16)


def _check_key(key):
    if not KEY_RE.match(key or ""):
        raise ValueError("not a storage key")
    return key


class LocalStorage:
    """Files in one folder on this host (outside static/, never served directly)."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key):
        return self.root / _check_key(key)

    def put(self, key, data, content_type):
        """Store ``data`` under ``key``; written to a temporary file first, so never half a file."""
        path = self._path(key)
        tmp = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as error:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise StorageError("could not write the file") from error

    def put_file(self, key, fileobj, content_type):
        """Store the contents of an open binary file under ``key``, copied in chunks (large exports)."""
        path = self._path(key)
        tmp = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
            with os.fdopen(fd, "wb") as fh:
                shutil.copyfileobj(fileobj, fh, CHUNK)
            os.replace(tmp, path)
        except OSError as error:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise StorageError("could not write the file") from error

    def open(self, key):
        """Return a binary file object for ``key`` (the caller closes it)."""
        try:
            return self._path(key).open("rb")
        except OSError as error:
            raise StorageError("could not read the file") from error

    def delete(self, key):
        """Remove ``key``; a missing file is not an error."""
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageError("could not delete the file") from error

    def exists(self, key):
        """Return True when ``key`` is stored."""
        return self._path(key).is_file()


class S3Storage:
    """Objects in an S3-compatible bucket, which several app hosts can share.

    Credentials and region come from the usual AWS environment variables (or an instance role).
    """

    def __init__(self, bucket, *, endpoint_url=None, region=None, prefix="attachments/"):
        import boto3

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None)

    def _name(self, key):
        return self.prefix + _check_key(key)

    def put(self, key, data, content_type):
        """Store ``data`` under ``key`` (S3 writes whole objects: never half a file)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as error:
            raise StorageError("could not write the file") from error

    def put_file(self, key, fileobj, content_type):
        """Store the contents of an open binary file under ``key`` (a multipart upload for large files)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.upload_fileobj(fileobj, self.bucket, self._name(key), ExtraArgs={"ContentType": content_type})
        except (BotoCoreError, ClientError) as error:
            raise StorageError("could not write the file") from error

    def open(self, key):
        """Return a streaming body for ``key``, with ``read`` and ``close``."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except (BotoCoreError, ClientError) as error:
            raise StorageError("could not read the file") from error

    def delete(self, key):
        """Remove ``key``; a missing object is not an error (S3 says so itself)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise StorageError("could not delete the file") from error

    def exists(self, key):
        """Return True when ``key`` is stored."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError:
            return False
        return True


def iter_file(fh):
    """Yield ``fh`` in chunks and close it at the end (or when the response is closed early)."""
    try:
        while chunk := fh.read(CHUNK):
            yield chunk
    finally:
        fh.close()


class Batch:
    """Writes made for one request, deleted again if the request fails before its commit.

    ``with storage.batch() as batch: ...; db.session.commit()``: any exception inside the block,
    the commit's included, removes every object ``batch.put`` wrote, so no file outlives its row.
    """

    def __init__(self, storage):
        self.storage = storage
        self.keys = []

    def put(self, data, content_type):
        """Store ``data`` under a new random key and return the key."""
        key = new_key()
        self.storage.put(key, data, content_type)
        self.keys.append(key)
        return key

    def undo(self):
        """Delete everything written so far (best effort: a failure is logged, not raised)."""
        for key in self.keys:
            try:
                self.storage.delete(key)
            except StorageError:
                log.warning("could not remove stored file %s after a failed request", key)
        self.keys = []


@contextmanager
def batch():
    """Yield a Batch on the app's storage that is undone if the block raises."""
    current = get_storage()
    writes = Batch(current)
    try:
        yield writes
    except BaseException:
        writes.undo()
        raise


def get_storage():
    """Return the app's storage."""
    return current_app.extensions["engage_storage"]


def delete_quietly(keys):
    """Delete stored files after their rows are gone; a failure leaves an orphan, logged by key only."""
    current = get_storage()
    for key in keys:
        try:
            current.delete(key)
        except StorageError:
            log.warning("could not delete stored file %s", key)


def init_app(app):
    """Choose the storage from config: S3 when ATTACHMENTS_S3_BUCKET is set, else a local folder.

    :raises RuntimeError: if the local folder is inside static/, where anyone could fetch the files.
    """
    bucket = app.config.get("ATTACHMENTS_S3_BUCKET")
    if bucket:
        storage = S3Storage(
            bucket,
            endpoint_url=app.config.get("ATTACHMENTS_S3_ENDPOINT_URL"),
            region=app.config.get("ATTACHMENTS_S3_REGION"),
            prefix=app.config.get("ATTACHMENTS_S3_PREFIX", "attachments/"),
        )
    else:
        root = Path(app.config["ATTACHMENTS_DIR"]).resolve()
        static = Path(app.static_folder).resolve()
        if root == static or static in root.parents:
            raise RuntimeError("ATTACHMENTS_DIR must not be inside the static folder")
        storage = LocalStorage(root)
    app.extensions["engage_storage"] = storage
