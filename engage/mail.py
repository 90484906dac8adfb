"""Email: one way to send, over SMTP with Flask-Mail, or printed to the console in development.

Callers send after their database commit, so an email never announces something that was rolled back.
Templates are ``templates/emails/<name>.txt`` (plain text, always) and optionally ``<name>.html``.
"""

import sys
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Mail, Message
from jinja2 import TemplateNotFound

mail = Mail()


def render_email(template, **context):
    """Return (text, html or None) for the email template ``template``."""
    text = render_template(f"emails/{template}.txt", **context)
    try:
        html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        html = None
    return text, html


def send_email(to, subject, template, *, extra_headers=None, **context):
    """Send one email to the address ``to``; ``template`` names the files under templates/emails/.

    ``extra_headers`` adds headers such as List-Unsubscribe. Raises what the SMTP connection raises
    (smtplib.SMTPException, OSError): callers that must not lose track of a failed send catch those.
    """
    text, html = render_email(template, **context)
    message = Message(subject=subject, recipients=[to], body=text, html=html, extra_headers=extra_headers)
    if current_app.config["MAIL_BACKEND"] == "console":
        sys.stdout.write(f"--- email to {to}: {subject}\n{text}\n--- end of email\n")
        sys.stdout.flush()
        return message
    mail.send(message)
    return message


def external_url(endpoint, **values):
    """An absolute link for an email, built from the EXTERNAL_URL setting, never from a request's Host
    header (which a sender controls), so it is the same from a page and from a cron job."""
    base = urlsplit(current_app.config["EXTERNAL_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def init_app(app):
    mail.init_app(app)
