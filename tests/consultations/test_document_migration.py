"""The document versions migration turns each existing document link into its version 1, on SQLite and PostgreSQL."""

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from config import TestingConfig
from engage import create_app
from engage.extensions import db
from tests.conftest import reset_schema

BEFORE = "b2a77ac40004"


def check_links_become_version_one(url):
    app = create_app(type("C", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        reset_schema(db.engine)
        upgrade(revision=BEFORE)
        db.session.execute(
            text(
                "INSERT INTO consultations (id, title, slug, summary, body, opens_at, closes_at, stage, audiences,"
                " contact_name, contact_email, contact_phone, has_online_survey, postal_address, response_email,"
                " fairness_why_now, fairness_information, fairness_length, outcome, created_at, updated_at)"
                " VALUES (1, 'Plans', 'plans', '', '', '2019-06-28 08:00:00', '2019-08-16 22:59:00', 'ready', '',"
                " '', '', '', false, '', '', '', '', '', '', '2019-06-01 00:00:00', '2019-06-01 00:00:00')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO consultation_documents (id, consultation_id, kind, language, title, url, added_at)"
                " VALUES (1, 1, 'full', '', 'The plans', 'https://www.example.org/plans.pdf', '2019-06-20 09:00:00'),"
                " (2, 1, 'other_language', 'Polish', 'Plany', 'https://www.example.org/pl.pdf', '2019-06-21 09:00:00')"
            )
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            text(
                "SELECT d.title, v.number, v.url, v.storage_key, v.added_at, d.withdrawn_at, d.withdrawn_note"
                " FROM consultation_documents d JOIN consultation_document_versions v ON v.document_id = d.id"
                " ORDER BY d.id"
            )
        ).all()
        assert [(r[0], r[1], r[2], r[3], r[5], r[6]) for r in rows] == [
            ("The plans", 1, "https://www.example.org/plans.pdf", None, None, ""),
            ("Plany", 1, "https://www.example.org/pl.pdf", None, None, ""),
        ]
        assert str(rows[0][4]).startswith("2019-06-20 09:00:00")
        db.session.commit()
        downgrade(revision=BEFORE)
        urls = db.session.execute(text("SELECT url FROM consultation_documents ORDER BY id")).scalars().all()
        assert urls == ["https://www.example.org/plans.pdf", "https://www.example.org/pl.pdf"]
        db.session.commit()
        reset_schema(db.engine)
        db.session.remove()
        db.engine.dispose()


def test_document_links_become_version_one_on_sqlite(tmp_path):
    check_links_become_version_one(f"sqlite:///{tmp_path / 'docs.db'}")


@pytest.mark.pg
def test_document_links_become_version_one_on_postgresql():
    check_links_become_version_one(os.environ["TEST_DATABASE_URL"])
