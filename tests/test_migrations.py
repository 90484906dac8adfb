"""The migrations build the schema from empty, and the models match them, on SQLite and PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from config import TestingConfig
from engage import create_app
from engage.db import include_object
from engage.extensions import db
from tests.conftest import reset_schema


def migrated_app(url):
    app = create_app(type("MigrationConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        reset_schema(db.engine)
        upgrade()
    return app


def assert_models_match_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        tables = set(inspect(conn).get_table_names())
        assert {"users", "places", "topics", "audit_entries", "alembic_version"} <= tables


def test_upgrade_from_empty_matches_models_on_sqlite(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    assert_models_match_migrations(app)


@pytest.mark.pg
def test_upgrade_from_empty_matches_models_on_postgresql():
    app = migrated_app(os.environ["TEST_DATABASE_URL"])
    assert_models_match_migrations(app)
    with app.app_context():
        reset_schema(db.engine)
        db.engine.dispose()


def test_flask_db_check_finds_nothing_to_generate(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'check.db'}"
    app = migrated_app(url)
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
