"""A signed-in session ends for good: a copied cookie is dead after sign-out, idle and old sessions end."""

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from engage.accounts.models import EndedSession
from tests.accounts.test_sign_in import is_signed_in, sign_in
from tests.factories import PASSWORD
from tests.pages import text_of


def copy_cookie(app, client):
    """Another browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_cookie_signs_no_one_in_after_sign_out(app, db, client, officer, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    thief = copy_cookie(app, client)
    assert is_signed_in(thief)
    post_form("/account/sign-out", form_url="/dashboard")
    assert not is_signed_in(thief)
    assert not is_signed_in(client)
    stored = db.session.scalars(select(EndedSession.id_hash)).all()
    assert len(stored) == 1 and len(stored[0]) == 64  # a hash, not the session id itself


def test_signing_out_in_one_browser_leaves_the_others_signed_in(app, db, client, officer, post_form):
    other = app.test_client()
    sign_in(post_form, officer.email, PASSWORD, on=other)
    sign_in(post_form, officer.email, PASSWORD)
    post_form("/account/sign-out", form_url="/dashboard")
    assert not is_signed_in(client)
    assert is_signed_in(other)


def test_a_session_idle_for_more_than_30_minutes_ends_with_a_message(app, db, client, officer, post_form):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(post_form, officer.email, PASSWORD)
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)  # activity: the idle time starts again
        clock.shift(timedelta(minutes=29))
        assert is_signed_in(client)
        clock.shift(timedelta(minutes=31))
        assert not is_signed_in(client)
        page = text_of(client.get("/account/sign-in"))
        assert "You were signed out after 30 minutes without activity." in page
        sign_in(post_form, officer.email, PASSWORD)
        assert is_signed_in(client)


def test_a_busy_session_still_ends_12_hours_after_sign_in(app, db, client, officer, post_form):
    start = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(post_form, officer.email, PASSWORD)
        for _ in range(24):  # 11 h 59 min of steady work
            clock.shift(timedelta(minutes=29, seconds=58))
            assert is_signed_in(client)
        clock.shift(timedelta(minutes=5))
        assert not is_signed_in(client)
        assert "Your session ended after 12 hours." in text_of(client.get("/account/sign-in"))


def test_a_session_from_before_this_release_is_not_signed_in(app, db, client, officer):
    with client.session_transaction() as session:
        session["_user_id"] = officer.get_id()  # no session id: not made by sign-in
    assert not is_signed_in(client)


def test_old_signed_out_ids_are_swept_when_another_session_ends(app, db, client, officer, post_form):
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(post_form, officer.email, PASSWORD)
        post_form("/account/sign-out", form_url="/dashboard")
        clock.shift(timedelta(days=3))
        sign_in(post_form, officer.email, PASSWORD)
        post_form("/account/sign-out", form_url="/dashboard")
    assert db.session.scalar(select(func.count()).select_from(EndedSession)) == 1
