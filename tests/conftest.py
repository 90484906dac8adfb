"""Fixtures: a new app and schema per test, clients, role users, and a CSRF-aware form poster."""

import os
import re

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from config import TestingConfig
from engage import create_app
from engage.extensions import db as _db
from engage.permissions import Role
from tests import factories
from tests.auth import put_signed_in

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="set TEST_DATABASE_URL to a PostgreSQL database to run")
    for item in items:
        if "pg" in item.keywords and not TEST_DATABASE_URL:
            item.add_marker(skip_pg)


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as on a real server.

    What the test wrote is committed first (so the request sees it on any database), and the
    test's own session is expired afterwards (so the test then reads what the request stored).
    Without this, requests would share the test's ``g`` and session, hiding real bugs.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        if outer:
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            _db.session.expire_all()
        return response


def reset_schema(engine):
    """Drop everything in the test database, including tables a migration test left behind."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        _db.metadata.drop_all(engine)


@pytest.fixture
def make_app(tmp_path_factory):
    """Return a function building a fresh app with config overrides, schema created.

    Each app stores attachments in a new temporary folder unless told otherwise.
    """
    apps = []

    def build(**overrides):
        overrides.setdefault("ATTACHMENTS_DIR", str(tmp_path_factory.mktemp("attachments")))
        config = type("Config", (TestingConfig,), overrides)
        app = create_app(config)
        app.test_client_class = IsolatedClient
        with app.app_context():
            reset_schema(_db.engine)
            _db.create_all()
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            _db.session.remove()
            if _db.engine.dialect.name == "postgresql":
                reset_schema(_db.engine)
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    return factories.UserFactory(role=Role.admin, email="admin@example.org")


@pytest.fixture
def officer(app):
    return factories.UserFactory(role=Role.officer, email="officer@example.org")


@pytest.fixture
def reviewer(app):
    return factories.UserFactory(role=Role.reviewer, email="reviewer@example.org")


@pytest.fixture
def login_as(client):
    """Sign ``user`` in on ``client`` by setting the session as Flask-Login does."""

    def login(user, on=None):
        target = on or client
        _db.session.commit()
        with target.session_transaction() as session:
            put_signed_in(session, user)
        return target

    return login


def csrf_token_from(response):
    """Return the CSRF token in a rendered form page."""
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def post_form(client):
    """POST ``data`` to ``url`` with a real CSRF token taken from the page at ``form_url``."""

    def post(url, data=None, form_url=None, on=None, **kwargs):
        target = on or client
        token = csrf_token_from(target.get(form_url or url))
        return target.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return post


class SMTPInbox:
    """What a real local SMTP server (aiosmtpd) received: one ``email.message.EmailMessage`` per email,
    with ``.envelope_to`` set to the envelope recipients."""

    def __init__(self):
        self.messages = []
        self.port = None
        #: Set to an SMTP reply such as "451 Try again later" to refuse every message.
        self.refuse_with = None

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.refuse_with:
            return self.refuse_with
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        """The messages whose envelope went to ``address``."""
        return [m for m in self.messages if address in m.envelope_to]

    def clear(self):
        self.messages.clear()


def free_local_port():
    """A TCP port on 127.0.0.1 nobody is listening on (pytest-socket allows 127.0.0.1 only)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for the test; yields its SMTPInbox (``.port`` says where)."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    inbox.port = free_local_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """An app that really sends its email over SMTP to ``smtp_server`` (Flask-Mail not suppressed)."""
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_SUPPRESS_SEND=False,
        EXTERNAL_URL="https://engage.example.org",
    )
    with app.app_context():
        yield app
