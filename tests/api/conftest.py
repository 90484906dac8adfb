"""API fixtures: personal tokens for any user, and a client that sends them."""

from datetime import timedelta

import pytest

from engage.accounts import services
from engage.accounts.models import TokenScope
from engage.dates import now_utc
from engage.extensions import db


def make_token(user, scope=TokenScope.read_write, days=30, name="Test script"):
    """Create a token for ``user`` the way the account page does; return its secret."""
    _token, secret = services.create_api_token(
        user, actor=user, name=name, scope=scope, expires_at=now_utc() + timedelta(days=days)
    )
    db.session.commit()
    return secret


@pytest.fixture
def token_for(app):
    return make_token


@pytest.fixture
def api(client):
    """``api(method, url, token=None, **kwargs)``: a request with the token as a Bearer header."""

    def call(method, url, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return client.open(url, method=method, headers=headers, **kwargs)

    return call
