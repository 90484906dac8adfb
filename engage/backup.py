"""``flask backup create``: a consistent online copy of the SQLite database.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the database page by page inside
a read transaction, so the copy is a consistent snapshot even while the app goes on writing (WAL
mode lets writers carry on meanwhile). PostgreSQL has its own tool for this, ``pg_dump``: the
command refuses there and points to README "Backups".
"""

import os
import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from engage.dates import now_utc
from engage.extensions import db

backup_cli = AppGroup("backup", help="Back up the database.")

PG_DUMP_HINT = (
    "flask backup create copies SQLite databases only. This database is PostgreSQL: back it up with "
    "pg_dump -Fc (see README 'Backups'), e.g. pg_dump -Fc -f engage.dump \"$DATABASE_URL\"."
)


class BackupError(Exception):
    """The backup could not be made; the message says why in plain English."""


def default_path():
    """``instance/backups/engage-YYYYMMDD-HHMMSS.db`` (UTC)."""
    folder = Path(current_app.instance_path) / "backups"
    return folder / f"engage-{now_utc():%Y%m%d-%H%M%S}.db"


def backup_sqlite(target):
    """Copy the app's SQLite database to ``target`` (which must not exist yet); return a summary dict.

    The copy is written beside ``target`` under a temporary name, checked with
    ``PRAGMA integrity_check`` and only then renamed into place, so a half-written file never
    carries the backup's name.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise BackupError(PG_DUMP_HINT)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # Residents' personal data: readable by the owner only.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        destination = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, one consistent read snapshot.
            source.backup(destination, pages=-1)
            check = destination.execute("PRAGMA integrity_check").fetchone()[0]
            # The copy keeps the source's WAL journal mode; a single self-contained file is
            # easier to move and restore.
            destination.execute("PRAGMA journal_mode=DELETE")
            responses = _count(destination, "responses")
        finally:
            destination.close()
    finally:
        raw.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed SQLite's integrity check ({check}); nothing was kept.")
    os.replace(partial, target)
    return {"path": target, "bytes": target.stat().st_size, "responses": responses}


def _count(connection, table):
    try:
        # A constant table name: no input reaches this SQL.
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608  # nosec B608
    except sqlite3.OperationalError:
        return None


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path):
    """Copy the SQLite database to PATH (default instance/backups/engage-<UTC time>.db), online.

    Safe while the app is running. On PostgreSQL use pg_dump instead (README "Backups").
    """
    try:
        summary = backup_sqlite(path or default_path())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    responses = "" if summary["responses"] is None else f", {summary['responses']:,} responses"
    click.echo(f"Backup written to {summary['path']} ({summary['bytes']:,} bytes{responses}; integrity check ok).")
