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


def test_upgrading_a_database_with_records_keeps_their_quotes_and_links_on_sqlite(tmp_path):
    # SQLite rebuilds a table to alter it; with foreign keys on, that used to cascade-delete children.
    from sqlalchemy import text

    app = create_app(type("C", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'u.db'}"}))
    with app.app_context():
        upgrade(revision="ce3f5ea69d5d")
        db.session.execute(
            text(
                "INSERT INTO topics (id, name, description, is_archived, created_at, updated_at)"
                " VALUES (1, 'Carers', '', 0, '2020-01-01', '2020-01-01')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO engagement_records (id, title, kind, happened_on, residents_reached, what_we_heard,"
                " sensitivity, created_at, updated_at) VALUES (1, 'Old', 'workshop', '2020-05-01', 0, '',"
                " 'partners', '2020-05-01 00:00:00', '2020-05-01 00:00:00')"
            )
        )
        db.session.execute(text("INSERT INTO record_quotes (record_id, text) VALUES (1, 'The lift broke')"))
        db.session.execute(text("INSERT INTO record_topics (record_id, topic_id) VALUES (1, 1)"))
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT text FROM record_quotes")).scalars().all() == ["The lift broke"]
        assert db.session.execute(text("SELECT topic_id FROM record_topics")).scalars().all() == [1]
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


@pytest.mark.pg
def test_upgrading_postgresql_gives_indexed_records_their_tags_for_facets():
    from sqlalchemy import text

    from engage import search
    from engage.permissions import Role
    from engage.records.models import RecordKind
    from engage.records.queries import RecordFilter
    from tests import factories

    app = create_app(
        type("MigrationConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": os.environ["TEST_DATABASE_URL"]})
    )
    with app.app_context():
        reset_schema(db.engine)
        upgrade(revision="c3d4e5f60012")  # before the index kept tags
        place, topic = factories.PlaceFactory(name="Swale"), factories.TopicFactory(name="Falls")
        officer = factories.UserFactory(role=Role.officer)
        db.session.commit()
        db.session.execute(
            text(
                "INSERT INTO engagement_records (id, title, kind, happened_on, residents_reached, what_we_heard,"
                " sensitivity, outcomes, created_at, updated_at)"
                " VALUES (7, 'Falls clinic', 'workshop', '2024-05-01', 0, 'Ramps.', 'public', '', now(), now())"
            )
        )
        db.session.execute(text("INSERT INTO record_places (record_id, place_id) VALUES (7, :p)"), {"p": place.id})
        db.session.execute(text("INSERT INTO record_topics (record_id, topic_id) VALUES (7, :t)"), {"t": topic.id})
        db.session.execute(text("INSERT INTO record_search (record_id, title, body) VALUES (7, 'Falls clinic', '')"))
        db.session.commit()
        upgrade()
        facets = search.search(officer, RecordFilter(q="clinic")).facets
        counts = {name: {f.label: f.count for f in values} for name, values in facets.items()}
        assert counts["place"] == {"Swale": 1} and counts["topic"] == {"Falls": 1}
        assert counts["kind"] == {RecordKind.workshop.label: 1} and counts["year"] == {"2024": 1}
        db.session.remove()
        reset_schema(db.engine)
        db.engine.dispose()
