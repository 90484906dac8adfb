"""Signing in and out through the real forms: navigation by role, lockout, rate limit, sessions, audit."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from engage.accounts.models import User
from engage.accounts.views import SIGN_IN_FAILED
from engage.audit import AuditEntry
from engage.extensions import db as _db
from engage.permissions import Role
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, UserFactory
from tests.pages import text_of

SIGN_IN = "/account/sign-in"
NEW_PASSWORD = "violet-tractor-harbour-91"
NAV_LINK_RE = re.compile(r'class="nhsuk-header__navigation-link"[^>]*>(.*?)</a>', re.S)
ERROR_SUMMARY_RE = re.compile(r'class="nhsuk-error-summary".*?</ul>', re.S)


def sign_in(post_form, email, password, *, next_url=None, address=None, on=None):
    """Sign in through the form, optionally from a given client address."""
    url = SIGN_IN if next_url is None else f"{SIGN_IN}?next={next_url}"
    kwargs = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return post_form(url, {"email": email, "password": password}, on=on, **kwargs)


def navigation_labels(response):
    """Return the header navigation link texts, in order."""
    return [html.unescape(re.sub(r"<[^>]+>", "", link)).strip() for link in NAV_LINK_RE.findall(text_of(response))]


def error_summary(response):
    """Return the text of the error summary ("There is a problem" and each message)."""
    match = ERROR_SUMMARY_RE.search(text_of(response))
    assert match, "no error summary on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def is_signed_in(client):
    response = client.get("/dashboard")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in")
    return False


def audit_entries(db):
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


# Signing in and navigation by role ---------------------------------------------------


ADMIN_ITEMS = ["Users", "Reference data", "Audit log"]


@pytest.mark.parametrize(
    ("role", "sees_admin_items"),
    [("admin", True), ("officer", False), ("reviewer", False)],
)
def test_staff_can_sign_in_and_see_the_navigation_for_their_role(request, client, post_form, role, sees_admin_items):
    user = request.getfixturevalue(role)
    response = sign_in(post_form, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    labels = navigation_labels(dashboard)
    assert labels[0] == "Dashboard"
    if sees_admin_items:
        assert [label for label in labels if label in ADMIN_ITEMS] == ADMIN_ITEMS
    else:
        assert not set(labels) & set(ADMIN_ITEMS)
    assert f"({Role(role).label})" in text_of(dashboard)
    assert "Sign out" in text_of(dashboard)


def test_anonymous_visitor_sees_no_staff_navigation(client):
    response = client.get("/")
    assert navigation_labels(response) == []
    assert "Staff sign in" in text_of(response)


def test_officer_can_sign_in_with_the_email_in_any_case_and_surrounding_spaces(db, client, officer, post_form):
    response = sign_in(post_form, "  OFFICER@Example.ORG ", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
    db.session.refresh(officer)
    assert officer.last_sign_in_at is not None


def test_signed_in_officer_visiting_sign_in_goes_to_the_dashboard(client, officer, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_form_without_csrf_token_is_refused(db, client, officer):
    response = client.post(SIGN_IN, data={"email": officer.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_signed_in(client)
    assert audit_entries(db) == []


def test_sign_in_with_empty_fields_asks_for_them(db, client, post_form):
    response = post_form(SIGN_IN, {"email": "", "password": ""})
    assert response.status_code == 200
    assert "Enter your email address" in error_summary(response)
    assert "Enter your password" in error_summary(response)
    assert audit_entries(db) == []


# No user enumeration ----------------------------------------------------------------


def test_wrong_password_and_unknown_email_give_the_identical_answer(client, officer, post_form):
    wrong_password = sign_in(post_form, officer.email, "not-the-password-123")
    unknown_email = sign_in(post_form, "nobody@example.org", "not-the-password-123")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert error_summary(wrong_password) == error_summary(unknown_email)
    assert SIGN_IN_FAILED in error_summary(wrong_password)
    assert not is_signed_in(client)


def test_deactivated_account_gets_the_same_answer_as_a_wrong_password(db, client, officer, post_form):
    wrong_password = sign_in(post_form, officer.email, "not-the-password-123")
    officer.is_active = False
    db.session.commit()
    deactivated = sign_in(post_form, officer.email, PASSWORD)
    assert deactivated.status_code == wrong_password.status_code == 200
    assert error_summary(deactivated) == error_summary(wrong_password)
    assert not is_signed_in(client)


# Lockout ------------------------------------------------------------------------------


def test_account_locks_after_repeated_failures_and_unlocks_by_itself(app, db, client, officer, post_form):
    app.config["LOCKOUT_THRESHOLD"] = threshold = 3  # argon2 is slow on purpose: fewer attempts
    minutes = app.config["LOCKOUT_MINUTES"]
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        # Each attempt from its own address: the lockout holds against a spread-out attack,
        # and no attempt is stopped by the per-address rate limit instead.
        for attempt in range(threshold - 1):
            sign_in(post_form, officer.email, f"wrong-password-{attempt}", address=f"198.51.100.{attempt + 1}")
        db.session.refresh(officer)
        assert officer.failed_sign_ins == threshold - 1
        assert officer.locked_until is None

        last = sign_in(post_form, officer.email, "wrong-password-last", address="198.51.100.200")
        assert SIGN_IN_FAILED in error_summary(last)
        db.session.refresh(officer)
        assert officer.locked_until == start + timedelta(minutes=minutes)

        refused = sign_in(post_form, officer.email, PASSWORD, address="203.0.113.1")
        assert refused.status_code == 200
        assert error_summary(refused) == error_summary(last)
        assert not is_signed_in(client)

        traveller.shift(timedelta(minutes=minutes) - timedelta(seconds=1))
        still_refused = sign_in(post_form, officer.email, PASSWORD, address="203.0.113.2")
        assert error_summary(still_refused) == error_summary(last)
        assert not is_signed_in(client)
        # Trying while locked does not stretch the lock.
        db.session.refresh(officer)
        assert officer.locked_until == start + timedelta(minutes=minutes)

        traveller.shift(timedelta(seconds=2))
        accepted = sign_in(post_form, officer.email, PASSWORD, address="203.0.113.3")
        assert accepted.status_code == 302
        assert is_signed_in(client)
        db.session.refresh(officer)
        assert officer.locked_until is None
        assert officer.failed_sign_ins == 0


def test_successful_sign_in_resets_the_failure_count(db, client, officer, post_form):
    sign_in(post_form, officer.email, "wrong-password-1")
    sign_in(post_form, officer.email, "wrong-password-2")
    db.session.refresh(officer)
    assert officer.failed_sign_ins == 2
    sign_in(post_form, officer.email, PASSWORD)
    db.session.refresh(officer)
    assert officer.failed_sign_ins == 0


# Rate limit ---------------------------------------------------------------------------


def post_sign_in(client, email, password, address="192.0.2.10"):
    token = csrf_token_from(client.get(SIGN_IN))
    return client.post(
        SIGN_IN,
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sign_in_is_rate_limited_per_address_with_a_friendly_page(make_app):
    limited = make_app(SIGN_IN_RATE_LIMIT="3/minute")
    with limited.app_context(), time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        user = UserFactory(email="limited@example.org")
        _db.session.commit()
        client = limited.test_client()
        for attempt in range(3):
            assert post_sign_in(client, user.email, f"wrong-{attempt}").status_code == 200

        blocked = post_sign_in(client, user.email, PASSWORD)
        assert blocked.status_code == 429
        assert "Too many attempts" in text_of(blocked)
        assert "Wait a few minutes and try again." in text_of(blocked)
        assert "Traceback" not in text_of(blocked)
        assert client.get("/dashboard").status_code == 302
        _db.session.refresh(user)
        assert user.last_sign_in_at is None

        # Another address is not held up by the first one's attempts.
        other = limited.test_client()
        assert post_sign_in(other, user.email, PASSWORD, address="192.0.2.99").status_code == 302

        traveller.shift(timedelta(seconds=61))
        assert post_sign_in(client, user.email, PASSWORD).status_code == 302


# Sessions -----------------------------------------------------------------------------


def test_sign_in_starts_a_fresh_session(client, officer, post_form):
    client.get(SIGN_IN)
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
        session["_user_id"] = "999.0"
    sign_in(post_form, officer.email, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == officer.get_id()


def test_deactivated_officer_is_signed_out_on_the_next_request(client, app, officer, admin, login_as, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    assert is_signed_in(client)
    admin_client = login_as(admin, on=app.test_client())
    response = post_form(f"/admin/users/{officer.id}/deactivate", form_url="/admin/users", on=admin_client)
    assert response.status_code == 302
    answer = client.get("/dashboard")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/account/sign-in")


def test_changing_password_signs_out_other_sessions_but_keeps_this_one(db, app, client, officer, post_form):
    other = app.test_client()
    sign_in(post_form, officer.email, PASSWORD)
    sign_in(post_form, officer.email, PASSWORD, on=other)
    assert is_signed_in(client) and is_signed_in(other)

    response = post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    account = client.get("/account/")
    assert account.status_code == 200
    assert "Your password has been changed" in text_of(account)
    assert is_signed_in(client)
    assert not is_signed_in(other)

    # The old password no longer works; the new one does.
    third = app.test_client()
    sign_in(post_form, officer.email, PASSWORD, on=third)
    assert not is_signed_in(third)
    sign_in(post_form, officer.email, NEW_PASSWORD, on=third)
    assert is_signed_in(third)


# Redirects after sign-in ------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example",
        "https://evil.example/admin/users",
        "//evil.example",
        "/\\evil.example",
        "%2F%2Fevil.example",
        "/%09/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_sign_in_sends_off_site_next_urls_to_the_dashboard(client, officer, post_form, next_url):
    response = sign_in(post_form, officer.email, PASSWORD, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_signed_in(client)


@pytest.mark.parametrize("next_url", ["/dashboard%0D%0ASet-Cookie:%20x=1", "/admin%0Ausers", "/%00"])
def test_sign_in_sends_next_urls_with_control_characters_to_the_dashboard(client, officer, post_form, next_url):
    response = sign_in(post_form, officer.email, PASSWORD, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_sign_in_honours_a_next_url_on_this_site(client, admin, post_form):
    response = sign_in(post_form, admin.email, PASSWORD, next_url="/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, admin, post_form):
    response = client.get("/admin/users")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url == "/account/sign-in?next=%2Fadmin%2Fusers"
    signed_in = post_form(login_url, {"email": admin.email, "password": PASSWORD})
    assert signed_in.headers["Location"] == "/admin/users"


# Signing out --------------------------------------------------------------------------


def test_officer_cannot_sign_out_with_a_get_request(client, officer, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    response = client.get("/account/sign-out")
    assert response.status_code == 405
    assert is_signed_in(client)


def test_officer_cannot_sign_out_without_the_csrf_token(db, client, officer, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    before = len(audit_entries(db))
    response = client.post("/account/sign-out")
    assert response.status_code == 400
    assert is_signed_in(client)
    assert len(audit_entries(db)) == before


def test_officer_can_sign_out_and_it_is_audited(db, client, officer, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form("/account/sign-out", form_url="/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "You have signed out." in text_of(client.get("/"))
    assert not is_signed_in(client)
    entry = audit_entries(db)[-1]
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == (
        "sign_out",
        officer.id,
        "users",
        str(officer.id),
    )


# The audit trail of signing in ------------------------------------------------------


def test_sign_in_failures_and_lockout_are_audited_without_emails_or_passwords(app, db, client, officer, post_form):
    app.config["LOCKOUT_THRESHOLD"] = threshold = 3
    sign_in(post_form, officer.email, PASSWORD, address="192.0.2.1", on=app.test_client())
    sign_in(post_form, "ghost.person@example.org", "ghost-password-guess", address="192.0.2.2")
    for attempt in range(threshold):
        sign_in(post_form, officer.email, f"secret-guess-{attempt}", address=f"198.51.100.{attempt + 1}")
    sign_in(post_form, officer.email, PASSWORD, address="192.0.2.3")

    entries = audit_entries(db)
    actions = [entry.action for entry in entries]
    assert actions == (
        ["sign_in", "sign_in_failed"] + ["sign_in_failed"] * (threshold - 1) + ["locked", "sign_in_refused"]
    )
    assert (entries[0].actor_id, entries[0].object_type, entries[0].object_id) == (
        officer.id,
        "users",
        str(officer.id),
    )
    unknown = entries[1]
    assert (unknown.actor_id, unknown.object_type, unknown.object_id) == (None, "users", None)
    locked = entries[-2]
    assert locked.changed_fields == ["failed_sign_ins", "locked_until"]

    stored = repr([(e.action, e.object_type, e.object_id, e.changed_fields) for e in entries]).lower()
    for secret in ["officer@example.org", "ghost.person", "ghost-password-guess", "secret-guess", PASSWORD]:
        assert secret not in stored


def test_audit_log_page_shows_sign_in_events_without_the_typed_email(db, client, admin, post_form):
    sign_in(post_form, "ghost.person@example.org", "ghost-password-guess")
    sign_in(post_form, admin.email, PASSWORD)
    page = text_of(client.get("/admin/audit"))
    assert ">sign in failed</td>" in page
    assert ">sign in</td>" in page
    assert "ghost.person" not in page
    assert "ghost-password-guess" not in page
    assert PASSWORD not in page


def test_users_table_holds_no_plain_password(db, officer, client, post_form):
    sign_in(post_form, officer.email, PASSWORD)
    stored = db.session.scalars(select(User.password_hash)).all()
    assert stored and all(value.startswith("$argon2id$") and PASSWORD not in value for value in stored)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
