"""A full disk at the moment of submission: a polite 503, nothing half-stored, the answers kept to retry."""

import pytest
from sqlalchemy import text

from engage.extensions import db as _db
from engage.responses.models import Response
from tests.conftest import csrf_token_from
from tests.pages import count_rows, plain, text_of
from tests.responses.helpers import SEND, complete_to_check, make_survey, post_page, respond_url


def test_a_full_database_refuses_the_submission_politely_and_keeps_the_draft(client, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PRAGMA max_page_count is SQLite's way of filling the disk")
    q = make_survey()
    complete_to_check(client, q)
    long_story = "We waited four hours in the corridor. " * 200  # needs new database pages to store
    post_page(client, respond_url(q, "/page/2"), {f"q{q.why.id}": long_story})
    token = csrf_token_from(client.get(respond_url(q, "/check")))
    connection = _db.session.connection()
    pages = connection.execute(text("PRAGMA page_count")).scalar()
    connection.execute(text(f"PRAGMA max_page_count = {pages}"))
    _db.session.commit()
    try:
        refused = client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND})
    finally:
        _db.session.connection().execute(text("PRAGMA max_page_count = 1073741823"))
        _db.session.commit()
    assert refused.status_code == 503
    assert "Sorry, the service is unavailable" in plain(text_of(refused))
    assert "Traceback" not in text_of(refused) and "disk is full" not in text_of(refused)
    assert count_rows(db, Response) == 0
    assert _db.session.connection().execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # Space again: the same answers go through from the same check page.
    sent = client.post(respond_url(q, "/check"), data={"csrf_token": token, **SEND})
    assert sent.status_code == 302
    assert count_rows(db, Response) == 1
