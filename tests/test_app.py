import pytest

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from engage import create_app


def test_testing_config_is_used(app):
    assert app.config["TESTING"]
    assert app.config["MAIL_PORT"] == 1


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_refuses_a_short_secret_key():
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": "changeme", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app(config)


def test_production_sets_secure_cookies():
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_makes_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("config.INSTANCE_DIR", tmp_path)
    config = type("Dev", (DevelopmentConfig,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_config_name_is_refused():
    with pytest.raises(RuntimeError, match="Unknown config"):
        create_app("staging")


def test_sqlite_connections_use_wal_foreign_keys_busy_timeout_and_fewer_checkpoints(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'engage.db'}")
    from sqlalchemy import text

    from engage.extensions import db

    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 10_000


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    missing = tmp_path / "no-such-dir" / "engage.db"
    broken = create_app(type("Broken", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_pages_say_sorry_with_503_when_the_database_is_down(tmp_path):
    missing = tmp_path / "no-such-dir" / "engage.db"
    broken = create_app(type("Broken", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}))
    response = broken.test_client().get("/")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def database_goes_away(engine, after=None):
    """Make every statement fail as on a restarting PostgreSQL (``after``: once a statement matching it ran).

    Returns the listener, to be removed with ``sqlalchemy.event.remove``.
    """
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    gone = [after is None]

    def statement(conn, cursor, sql, parameters, context, executemany):
        if gone[0]:
            raise OperationalError(sql, parameters, Exception("terminating connection due to administrator command"))
        gone[0] = after in sql

    event.listen(engine, "before_cursor_execute", statement)
    return statement


@pytest.mark.parametrize("after", [None, "FROM users"], ids=["before the user is loaded", "after"])
def test_signed_in_officer_gets_the_503_page_when_the_database_goes_away(app, db, client, login_as, officer, after):
    from sqlalchemy import event

    login_as(officer)
    listener = database_goes_away(db.engine, after)
    try:
        response = client.get("/records/?q=transport")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in page
    assert "Traceback" not in page
    # Once the database is back, the officer is still signed in.
    assert client.get("/records/?q=transport").status_code == 200


def test_page_is_sent_when_the_database_cuts_the_connection_after_it_was_made(app, db, client, login_as, officer):
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    login_as(officer)
    cut = []

    def rollback(conn):
        # The first ROLLBACK is the one ending the request's read-only transaction, at teardown.
        if not cut:
            cut.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    event.listen(db.engine, "rollback", rollback)
    try:
        response = client.get("/records/?q=transport")
    finally:
        event.remove(db.engine, "rollback", rollback)
    assert cut
    assert response.status_code == 200
    assert client.get("/records/?q=transport").status_code == 200


def redis_reachable():
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_sign_in_rate_limit_is_kept_in_redis_when_configured(make_app):
    import uuid

    import redis

    from tests.conftest import csrf_token_from

    # A fresh key prefix so earlier runs' counters cannot interfere.
    prefix = f"engage-test-{uuid.uuid4().hex}"
    app = make_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=prefix,
        SIGN_IN_RATE_LIMIT="2/minute",
    )
    client = app.test_client()
    statuses = []
    for _ in range(3):
        token = csrf_token_from(client.get("/account/sign-in"))
        data = {"csrf_token": token, "email": "x@example.org", "password": "y"}
        response = client.post("/account/sign-in", data=data)
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]
    keys = redis.Redis(host="127.0.0.1", port=6379, db=15).keys(f"*{prefix}*")
    assert keys, "the limiter's counters should live in Redis"
    redis.Redis(host="127.0.0.1", port=6379, db=15).delete(*keys)
