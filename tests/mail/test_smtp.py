"""The mail layer delivers over a real SMTP connection: recipients, subject, body and headers arrive."""

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from engage.mail import external_url, send_email
from tests import factories


@pytest.fixture
def template(app, tmp_path):
    """A throwaway email template (text, and HTML) the tests can send."""
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "hello.txt").write_text("Hello {{ name }} & welcome.\n")
    (folder / "hello.html").write_text("<p>Hello {{ name }}</p>\n")
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(tmp_path)), app.jinja_env.loader])
    return "hello"


def test_send_email_delivers_to_the_smtp_server_with_subject_body_and_sender(app, smtp_server, template):
    send_email("sam@example.org", "Your receipt", template, name="Sam <b>", extra_headers={"X-Engage": "test"})
    [message] = smtp_server.messages
    assert message.envelope_to == ["sam@example.org"]
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Your receipt"
    assert message["From"] == "engage@example.org"
    assert message["X-Engage"] == "test"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Sam &lt;b&gt;" in html  # HTML email escapes what people typed
    assert "Hello" in text


def test_the_console_backend_prints_the_email_and_connects_to_nothing(make_app, smtp_server, capsys):
    console = make_app(MAIL_BACKEND="console", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    with console.app_context(), console.test_request_context():
        consultation = factories.ConsultationFactory(title="Urgent care & you")
        send_email(
            "sam@example.org",
            "Closes tomorrow",
            "reminder_closing",
            consultation=consultation,
            closes_at=consultation.closes_at,
            when="tomorrow",
            counts=[],
            total=0,
            manage_url="https://engage.example.org/x",
        )
    out = capsys.readouterr().out
    assert "--- email to sam@example.org: Closes tomorrow" in out
    assert "Urgent care & you" in out  # plain text emails are not HTML-escaped
    assert smtp_server.messages == []


def test_links_in_emails_use_the_configured_address_never_the_request_host(app):
    with app.test_request_context("/", base_url="http://attacker.example"):
        url = external_url("consultations.detail", slug="urgent-care")
    assert url == "https://engage.example.org/consultations/urgent-care"
