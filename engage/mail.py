"""Email: one way to send, over SMTP with Flask-Mail, or printed to the console in development.

Callers send after their database commit, so an email never announces something that was rolled back.
Templates are ``templates/emails/<name>.txt`` (plain text, always) and optionally ``<name>.html``.
"""

import sys

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


def send_email(to, subject, template, **context):
    """Send one email to the address ``to``; ``template`` names the files under templates/emails/."""
    text, html = render_email(template, **context)
    message = Message(subject=subject, recipients=[to], body=text, html=html)
    if current_app.config["MAIL_BACKEND"] == "console":
        sys.stdout.write(f"--- email to {to}: {subject}\n{text}\n--- end of email\n")
        sys.stdout.flush()
        return message
    mail.send(message)
    return message


def init_app(app):
    mail.init_app(app)
