"""No user enumeration at sign-in: the same page, and the same argon2 work, whatever was wrong.

Timing is asserted through the code path (one argon2 verification per attempt, against a real
argon2id hash even for an unknown email), not with a wall clock, which would make a flaky test.
"""

import re

import pytest

from engage.accounts import passwords
from engage.accounts.views import SIGN_IN_FAILED
from tests.accounts.test_sign_in import error_summary, is_signed_in, sign_in
from tests.factories import PASSWORD
from tests.pages import text_of


@pytest.fixture
def verifications(monkeypatch):
    """Every hash argon2 verified a password against, in order."""
    seen = []
    real = passwords._hasher

    class Spy:
        def verify(self, password_hash, password):
            seen.append(password_hash)
            return real.verify(password_hash, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    return seen


def test_an_unknown_email_costs_one_argon2_verification_too(client, officer, post_form, verifications):
    sign_in(post_form, officer.email, "not-the-password-123")
    assert verifications == [officer.password_hash]

    verifications.clear()
    sign_in(post_form, "nobody@example.org", "not-the-password-123")
    assert len(verifications) == 1
    dummy = verifications[0]
    # A real argon2id hash with the same parameters as a user's, so it costs the same time.
    assert dummy.startswith("$argon2id$")
    assert dummy.split("$")[2:4] == officer.password_hash.split("$")[2:4]
    assert dummy != officer.password_hash


def test_locked_and_deactivated_accounts_also_cost_one_verification(db, client, officer, post_form, verifications):
    officer.is_active = False
    db.session.commit()
    sign_in(post_form, officer.email, PASSWORD)
    assert len(verifications) == 1
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.org", "not-the-password-123"),
        ("officer@example.org", "not-the-password-123"),
        ("OFFICER@example.org", "not-the-password-123"),
        ("nobody@example.org", PASSWORD),
    ],
)
def test_every_wrong_combination_gets_the_same_page(client, officer, post_form, email, password):
    reference = sign_in(post_form, officer.email, "a-different-wrong-password")
    response = sign_in(post_form, email, password)
    assert response.status_code == reference.status_code == 200
    assert error_summary(response) == error_summary(reference)
    assert SIGN_IN_FAILED in error_summary(response)
    # Nothing in the page tells the two apart: the only difference is the typed email echoed back.
    strip = [officer.email, email, "OFFICER@example.org"]
    page, expected = text_of(response), text_of(reference)
    for value in strip:
        page, expected = page.replace(value, "EMAIL"), expected.replace(value, "EMAIL")
    assert _without_tokens(page) == _without_tokens(expected)


def _without_tokens(page):
    """The page less its per-request values (CSRF token, CSP nonce)."""
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)
