"""Every test here runs against a real SMTP server on 127.0.0.1 (tests/conftest.py: smtp_server)."""

import pytest


@pytest.fixture
def app(smtp_app):
    return smtp_app
