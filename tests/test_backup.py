"""Backups: `flask backup create` on SQLite (online, while the app writes) and pg_dump/pg_restore on
PostgreSQL; each backup is restored and every response is found by its reference."""

import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from engage import create_app
from engage.consultations.models import Consultation
from engage.extensions import db as _db
from engage.responses.models import Response
from tests.conftest import TEST_DATABASE_URL
from tests.factories import ConsultationFactory, ResponseFactory

on_sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite backup API; PostgreSQL has its own test")


def references_in(app):
    with app.app_context():
        return set(_db.session.scalars(select(Response.reference)))


def open_restored(path):
    """A new app on the restored SQLite file (no schema reset: the backup is the database)."""
    config = type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    return create_app(config)


@pytest.fixture
def file_app(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'engage.db'}")
    with app.app_context():
        consultation = ConsultationFactory()
        responses = ResponseFactory.create_batch(40, consultation=consultation)
        _db.session.commit()
        app.consultation_id = consultation.id
        app.references = {r.reference for r in responses}
    return app


class Writer(threading.Thread):
    """Stores responses on its own connection, one commit each, until told to stop."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.stop = threading.Event()
        self.stored = []
        self.error = None

    def run(self):
        try:
            with self.app.app_context():
                consultation = _db.session.get(Consultation, self.app.consultation_id)
                while not self.stop.is_set():
                    reference = f"W-{len(self.stored):05d}"
                    ResponseFactory(consultation=consultation, reference=reference)
                    _db.session.commit()
                    self.stored.append(reference)
                _db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error


@on_sqlite_only
def test_online_backup_while_the_app_writes_restores_every_response(file_app, tmp_path):
    writer = Writer(file_app)
    writer.start()
    deadline = time.monotonic() + 10
    while len(writer.stored) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    acknowledged_before = file_app.references | set(writer.stored)
    target = tmp_path / "backups" / "engage-backup.db"

    result = file_app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    written_during = len(writer.stored)
    time.sleep(0.05)
    writer.stop.set()
    writer.join(10)

    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert f"Backup written to {target}" in result.output
    assert "integrity check ok" in result.output
    assert len(writer.stored) > written_during or written_during > 20, "the writer never overlapped the backup"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert not list(target.parent.glob(".*partial"))

    with sqlite3.connect(target) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = references_in(open_restored(target))
    # Every response acknowledged before the backup began is in it, and nothing invented.
    assert acknowledged_before <= restored
    assert restored <= file_app.references | set(writer.stored)
    print(f"backup: {len(restored)} responses restored, {len(writer.stored)} written during the run")


@on_sqlite_only
def test_backup_with_no_path_goes_to_the_instance_backups_folder(file_app, tmp_path, monkeypatch):
    monkeypatch.setattr(file_app, "instance_path", str(tmp_path / "instance"))
    result = file_app.test_cli_runner().invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    (made,) = (tmp_path / "instance" / "backups").glob("engage-*.db")
    assert "40 responses" in result.output
    assert references_in(open_restored(made)) == file_app.references


@on_sqlite_only
def test_backup_refuses_to_overwrite_an_existing_file(file_app, tmp_path):
    target = tmp_path / "existing.db"
    target.write_bytes(b"an earlier backup")
    result = file_app.test_cli_runner().invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"an earlier backup"


@pytest.mark.pg
def test_backup_command_on_postgresql_points_to_pg_dump(runner):
    result = runner.invoke(args=["backup", "create", "/tmp/never-written.db"])  # noqa: S108
    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.output
    assert "README 'Backups'" in result.output
    assert not os.path.exists("/tmp/never-written.db")  # noqa: S108


def libpq_url(url):
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.pg
@pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="pg_dump is not installed")
def test_pg_dump_and_pg_restore_into_a_new_database_keep_every_response(app, db, tmp_path):
    consultation = ConsultationFactory()
    references = {r.reference for r in ResponseFactory.create_batch(40, consultation=consultation)}
    db.session.commit()
    source = make_url(TEST_DATABASE_URL)
    scratch_name = f"{source.database}_restore_{os.getpid()}"
    scratch = source.set(database=scratch_name)
    dump = tmp_path / "engage.dump"
    admin = create_engine(source, isolation_level="AUTOCOMMIT")
    try:
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq_url(source)], check=True, timeout=120)  # noqa: S603, S607
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))
            connection.execute(text(f'CREATE DATABASE "{scratch_name}"'))
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", libpq_url(scratch), str(dump)],  # noqa: S607
            check=True,
            timeout=120,
        )
        restored_engine = create_engine(scratch)
        with restored_engine.connect() as connection:
            restored = set(connection.scalars(text("SELECT reference FROM responses")))
        restored_engine.dispose()
        assert restored == references
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))
        admin.dispose()
