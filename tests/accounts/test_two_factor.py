"""Two-factor sign-in (TOTP) for staff: set-up, sign-in, replay, lockout, recovery codes, turning it
off, enforcement for administrators, and no secret in the database dump, the log or the audit trail."""

import logging
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from engage.accounts import two_factor
from engage.accounts.models import RecoveryCode, User
from engage.audit import AuditEntry
from tests.accounts.test_sign_in import error_summary, is_signed_in, sign_in
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.pages import plain, text_of

SET_UP = "/account/two-factor"
CODE = "/account/sign-in/code"
TURN_OFF = "/account/two-factor/turn-off"
#: Two seconds into a 30-second step, so "now" and the steps either side are unambiguous.
START = datetime(2026, 3, 2, 9, 0, 2, tzinfo=UTC)
KEY_RE = re.compile(r'<code class="engage-two-factor-key">([A-Z2-7 ]+)</code>')
RECOVERY_RE = re.compile(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def code_at(secret, *, steps=0):
    """The code an authenticator app shows now, or ``steps`` 30-second steps from now."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(datetime.now(UTC)) + steps)


def set_up_two_factor(client, post_form):
    """Go through the set-up page as a person would; return (secret, recovery codes, the codes page)."""
    page = client.get(SET_UP)
    assert page.status_code == 200
    secret = KEY_RE.search(text_of(page)).group(1).replace(" ", "")
    confirmed = post_form(SET_UP, {"code": code_at(secret)})
    assert confirmed.status_code == 200, text_of(confirmed)
    codes = RECOVERY_RE.findall(text_of(confirmed))
    return secret, codes, confirmed


@pytest.fixture
def enrolled(client, officer, post_form, clock):
    """The officer with two-factor on (set up through the pages), then signed out."""
    sign_in(post_form, officer.email, PASSWORD)
    secret, codes, _page = set_up_two_factor(client, post_form)
    post_form("/account/sign-out", form_url="/dashboard")
    clock.shift(timedelta(seconds=60))  # the set-up code's step is used: move two steps on
    return secret, codes


# Setting it up ------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key_and_turns_on_with_a_code(db, client, officer, post_form, clock):
    sign_in(post_form, officer.email, PASSWORD)
    page = client.get(SET_UP)
    body = text_of(page)
    assert "Set up two-factor sign-in" in body
    assert re.search(r'<img class="engage-qr-code" src="data:image/svg\+xml[^"]+" alt="QR code', body)
    secret = KEY_RE.search(body).group(1).replace(" ", "")
    assert len(secret) == 32
    # The same key until it is confirmed (a reload does not invalidate what was scanned).
    assert KEY_RE.search(text_of(client.get(SET_UP))).group(1).replace(" ", "") == secret

    _secret, codes, confirmed = set_up_two_factor(client, post_form)
    assert "Two-factor sign-in is on" in text_of(confirmed)
    assert "they will not be shown again" in plain(text_of(confirmed))
    assert len(codes) == len(set(codes)) == 10
    account = text_of(client.get("/account/"))
    assert "On since" in account
    db.session.refresh(officer)
    assert officer.two_factor_enabled
    # The codes page is not shown again.
    assert not RECOVERY_RE.search(text_of(client.get(SET_UP)))


def test_a_wrong_code_at_set_up_leaves_two_factor_off(db, client, officer, post_form, clock):
    sign_in(post_form, officer.email, PASSWORD)
    secret = KEY_RE.search(text_of(client.get(SET_UP))).group(1).replace(" ", "")
    for bad in ["000000", code_at(secret, steps=-2), "abcdef", "1" * 41, ""]:
        response = post_form(SET_UP, {"code": bad})
        assert response.status_code == 200
        assert "There is a problem" in text_of(response)
    db.session.refresh(officer)
    assert not officer.two_factor_enabled
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_a_database_dump_holds_neither_the_secret_nor_the_recovery_codes(db, client, officer, post_form, clock):
    sign_in(post_form, officer.email, PASSWORD)
    secret, codes, _page = set_up_two_factor(client, post_form)
    db.session.refresh(officer)
    assert secret not in officer.totp_secret
    assert two_factor.decrypt_secret(officer.totp_secret) == secret
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    dump = repr(stored) + officer.totp_secret
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump


def test_turning_it_on_signs_out_other_sessions_but_keeps_this_one(app, client, officer, post_form, clock):
    other = app.test_client()
    sign_in(post_form, officer.email, PASSWORD, on=other)
    sign_in(post_form, officer.email, PASSWORD)
    set_up_two_factor(client, post_form)
    assert is_signed_in(client)
    assert not is_signed_in(other)


# Signing in with it --------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_signs_in_only_when_it_is_right(db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    response = sign_in(post_form, officer.email, PASSWORD, next_url="/records/")
    assert response.status_code == 302
    assert response.headers["Location"] == CODE
    assert not is_signed_in(client)
    page = client.get(CODE)
    assert "Enter your code" in text_of(page)

    wrong = post_form(CODE, {"code": "123456"})
    assert wrong.status_code == 200
    assert "Enter a correct code" in error_summary(wrong)
    assert not is_signed_in(client)

    right = post_form(CODE, {"code": code_at(secret)})
    assert right.status_code == 302
    assert right.headers["Location"] == "/records/"
    assert is_signed_in(client)
    db.session.refresh(officer)
    assert officer.failed_sign_ins == 0
    assert officer.last_sign_in_at is not None


def test_a_code_cannot_be_used_twice(client, officer, post_form, enrolled):
    secret, _codes = enrolled
    code = code_at(secret)
    sign_in(post_form, officer.email, PASSWORD)
    assert post_form(CODE, {"code": code}).status_code == 302
    post_form("/account/sign-out", form_url="/dashboard")

    sign_in(post_form, officer.email, PASSWORD)
    replay = post_form(CODE, {"code": code})
    assert replay.status_code == 200
    assert "Enter a correct code" in error_summary(replay)
    assert not is_signed_in(client)


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted_and_two_are_not(client, officer, post_form, enrolled, steps, accepted):
    secret, _codes = enrolled
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form(CODE, {"code": code_at(secret, steps=steps)})
    assert (response.status_code == 302) is accepted
    assert is_signed_in(client) is accepted


def test_the_code_step_runs_out_after_five_minutes(client, officer, post_form, enrolled, clock):
    secret, _codes = enrolled
    sign_in(post_form, officer.email, PASSWORD)
    token = csrf_token_from(client.get(CODE))
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.post(CODE, data={"csrf_token": token, "code": code_at(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert "the time to enter your code ran out" in text_of(client.get("/account/sign-in"))
    assert not is_signed_in(client)


def test_the_code_step_belongs_to_the_session_that_gave_the_password(app, officer, post_form, enrolled):
    secret, _codes = enrolled
    sign_in(post_form, officer.email, PASSWORD)
    stranger = app.test_client()
    response = stranger.get(CODE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in"
    assert not is_signed_in(stranger)


def test_a_session_planted_with_a_pending_step_for_another_user_gets_nothing(app, admin, officer, enrolled):
    secret, _codes = enrolled
    # Without the server's key, a visitor cannot forge the signed session cookie that carries the step.
    stranger = app.test_client()
    stranger.set_cookie("session", '{"two_factor_pending": {"user": "1.0", "until": 9999999999}}')
    assert stranger.get(CODE).headers["Location"] == "/account/sign-in"


def test_wrong_codes_count_towards_the_lockout(app, db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    app.config["LOCKOUT_THRESHOLD"] = 3
    # Knowing the password does not reset the count that guards the codes.
    for attempt in range(3):
        sign_in(post_form, officer.email, PASSWORD, address=f"198.51.100.{attempt + 1}")
        post_form(CODE, {"code": f"00000{attempt}"})
    db.session.refresh(officer)
    assert officer.is_locked
    refused = sign_in(post_form, officer.email, PASSWORD, address="203.0.113.9")
    assert refused.status_code == 200
    assert not is_signed_in(client)
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == ["two_factor_failed", "sign_in_password_ok", "locked", "sign_in_refused"]


def test_five_wrong_codes_end_the_step(app, db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    sign_in(post_form, officer.email, PASSWORD)
    token = csrf_token_from(client.get(CODE))
    for _ in range(4):
        assert post_form(CODE, {"code": "999999"}).status_code == 200
    fifth = post_form(CODE, {"code": "999999"})
    assert fifth.status_code == 302
    assert fifth.headers["Location"] == "/account/sign-in"
    assert "Too many wrong codes" in text_of(client.get("/account/sign-in"))
    right_too_late = client.post(CODE, data={"csrf_token": token, "code": code_at(secret)})
    assert right_too_late.headers["Location"] == "/account/sign-in"
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(db, client, officer, post_form, enrolled):
    _secret, codes = enrolled
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form(CODE, {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert is_signed_in(client)
    post_form("/account/sign-out", form_url="/dashboard")

    sign_in(post_form, officer.email, PASSWORD)
    again = post_form(CODE, {"code": codes[3]})
    assert again.status_code == 200
    assert not is_signed_in(client)
    sign_in(post_form, officer.email, PASSWORD)
    assert post_form(CODE, {"code": codes[4]}).status_code == 302
    assert "You have 8 unused recovery codes" in plain(text_of(client.get(SET_UP)))


def test_without_two_factor_sign_in_is_one_step_as_before(client, officer, post_form):
    response = sign_in(post_form, officer.email, PASSWORD)
    assert response.headers["Location"] == "/dashboard"
    assert is_signed_in(client)


# Turning it off ----------------------------------------------------------------------


def signed_in_with_code(client, officer, post_form, secret):
    sign_in(post_form, officer.email, PASSWORD)
    assert post_form(CODE, {"code": code_at(secret)}).status_code == 302


def test_turning_it_off_needs_the_password_or_a_current_code(db, client, officer, post_form, enrolled, clock):
    secret, _codes = enrolled
    signed_in_with_code(client, officer, post_form, secret)
    for wrong in ["not-my-password-at-all", "123456", ""]:
        response = post_form(TURN_OFF, {"proof": wrong}, form_url=SET_UP)
        assert response.status_code == 200
        assert "There is a problem" in text_of(response)
    db.session.refresh(officer)
    assert officer.two_factor_enabled

    clock.shift(timedelta(seconds=30))
    response = post_form(TURN_OFF, {"proof": code_at(secret)}, form_url=SET_UP)
    assert response.status_code == 302
    assert "Two-factor sign-in is off" in text_of(client.get("/account/"))
    db.session.refresh(officer)
    assert not officer.two_factor_enabled
    assert officer.totp_secret is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert (
        sign_in(post_form, officer.email, PASSWORD, on=client.application.test_client()).headers["Location"]
        == "/dashboard"
    )


def test_turning_it_off_with_the_password(db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    signed_in_with_code(client, officer, post_form, secret)
    assert post_form(TURN_OFF, {"proof": PASSWORD}, form_url=SET_UP).status_code == 302
    db.session.refresh(officer)
    assert not officer.two_factor_enabled


def test_turning_it_off_without_the_csrf_token_is_refused(db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    signed_in_with_code(client, officer, post_form, secret)
    assert client.post(TURN_OFF, data={"proof": PASSWORD}).status_code == 400
    db.session.refresh(officer)
    assert officer.two_factor_enabled


# Every change audited, nothing secret logged --------------------------------------------


def test_changes_are_audited_and_no_secret_or_code_reaches_the_log(db, client, officer, post_form, clock, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(post_form, officer.email, PASSWORD)
    secret, codes, _page = set_up_two_factor(client, post_form)
    post_form("/account/sign-out", form_url="/dashboard")
    clock.shift(timedelta(seconds=30))
    sign_in(post_form, officer.email, PASSWORD)
    post_form(CODE, {"code": "111111"})
    post_form(CODE, {"code": codes[0]})
    post_form(TURN_OFF, {"proof": PASSWORD}, form_url=SET_UP)

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    for action in ["two_factor_enabled", "two_factor_failed", "recovery_code_used", "two_factor_disabled"]:
        assert action in actions
    enabled = next(e for e in entries if e.action == "two_factor_enabled")
    assert (enabled.actor_id, enabled.object_id) == (officer.id, str(officer.id))
    stored = repr([(e.action, e.object_type, e.object_id, e.changed_fields) for e in entries])
    for secret_value in [secret, *codes, "111111"]:
        assert secret_value not in stored
        assert secret_value not in caplog.text


# Enforced for administrators -----------------------------------------------------------


@pytest.fixture
def enforcing(app):
    app.config["REQUIRE_ADMIN_2FA"] = True


def test_an_admin_without_two_factor_can_do_nothing_else_until_it_is_on(db, client, admin, post_form, enforcing, clock):
    response = sign_in(post_form, admin.email, PASSWORD)
    assert response.status_code == 302
    for url in ["/dashboard", "/admin/users", "/account/", "/account/password"]:
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer.headers["Location"] == SET_UP
    assert "administrators must use it" in text_of(client.get(SET_UP))
    token_page = client.get(SET_UP)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(token_page)).group(1)
    assert client.post("/admin/users/new", data={"csrf_token": token}).status_code == 403

    set_up_two_factor(client, post_form)
    assert client.get("/admin/users").status_code == 200
    # And it cannot be turned off again.
    refused = post_form(TURN_OFF, {"proof": PASSWORD}, form_url=SET_UP)
    assert refused.status_code == 200
    assert "cannot be turned off" in text_of(refused)
    db.session.refresh(admin)
    assert admin.two_factor_enabled


def test_enforcement_leaves_officers_free_and_is_off_by_default(app, client, officer, admin, post_form, enforcing):
    sign_in(post_form, officer.email, PASSWORD)
    assert client.get("/dashboard").status_code == 200
    app.config["REQUIRE_ADMIN_2FA"] = False
    other = app.test_client()
    sign_in(post_form, admin.email, PASSWORD, on=other)
    assert other.get("/admin/users").status_code == 200


def test_require_admin_2fa_is_off_in_development_and_on_in_production():
    from config import DevelopmentConfig, ProductionConfig, TestingConfig

    assert DevelopmentConfig.REQUIRE_ADMIN_2FA is False
    assert TestingConfig.REQUIRE_ADMIN_2FA is False
    assert ProductionConfig.REQUIRE_ADMIN_2FA is True


# Sessions and recovery -------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session(app, db, client, officer, post_form):
    other = app.test_client()
    sign_in(post_form, officer.email, PASSWORD, on=other)
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form("/account/sign-out-everywhere", form_url="/account/")
    assert response.status_code == 302
    assert "You have signed out on every device." in text_of(client.get("/"))
    assert not is_signed_in(client)
    assert not is_signed_in(other)
    assert db.session.scalars(select(AuditEntry.action)).all()[-1] == "sign_out_everywhere"


def test_an_admin_can_reset_a_users_two_factor_from_the_command_line(db, runner, officer, client, enrolled):
    result = runner.invoke(args=["users", "reset-2fa", "--email", officer.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(officer)
    assert not officer.two_factor_enabled
    again = runner.invoke(args=["users", "reset-2fa", "--email", officer.email])
    assert again.exit_code == 1
    assert "does not have two-factor" in again.output
    assert runner.invoke(args=["users", "reset-2fa", "--email", "nobody@example.org"]).exit_code == 1


def test_a_secret_unreadable_after_a_key_change_refuses_the_code_without_an_error(
    app, db, client, officer, post_form, enrolled
):
    secret, _codes = enrolled
    officer_row = db.session.get(User, officer.id)
    officer_row.totp_secret = "gAAAAA-not-a-fernet-token"
    db.session.commit()
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form(CODE, {"code": code_at(secret)})
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_an_admin_resets_a_users_two_factor_from_the_users_page(app, db, officer, admin, post_form, enrolled):
    admin_client = app.test_client()
    sign_in(post_form, admin.email, PASSWORD, on=admin_client)
    listing = text_of(admin_client.get("/admin/users"))
    assert "Two-factor sign-in on" in listing
    assert f'action="/admin/users/{officer.id}/reset-two-factor"' in listing
    assert f'action="/admin/users/{admin.id}/reset-two-factor"' not in listing
    response = post_form(f"/admin/users/{officer.id}/reset-two-factor", form_url="/admin/users", on=admin_client)
    assert response.status_code == 302
    assert "Two-factor sign-in is reset for" in text_of(admin_client.get("/admin/users"))
    db.session.refresh(officer)
    assert not officer.two_factor_enabled
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.object_id) == ("two_factor_disabled", admin.id, str(officer.id))
    # The officer now signs in with the password alone.
    officer_client = app.test_client()
    assert sign_in(post_form, officer.email, PASSWORD, on=officer_client).headers["Location"] == "/dashboard"


def test_an_officer_cannot_reset_anyones_two_factor(app, db, client, officer, post_form, enrolled):
    secret, _codes = enrolled
    other = app.test_client()
    from tests.factories import UserFactory

    colleague = UserFactory(role=officer.role, email="colleague@example.org")
    db.session.commit()
    sign_in(post_form, colleague.email, PASSWORD, on=other)
    token = csrf_token_from(other.get("/dashboard"))
    answer = other.post(f"/admin/users/{officer.id}/reset-two-factor", data={"csrf_token": token})
    assert answer.status_code == 403
    db.session.refresh(officer)
    assert officer.two_factor_enabled


HOSTILE_CODES = [
    "١٢٣٤٥٦",  # Arabic-Indic digits: str.isdigit() is true of them
    "１２３４５６",  # full-width digits
    "12345\x00",
    "<script>alert(1)</script>",
    "' OR 1=1--",
    '=HYPERLINK("x")',
    "9" * 41,
    "\u202e654321",
    "   ",
]


@pytest.mark.parametrize("bad", HOSTILE_CODES)
def test_hostile_codes_are_refused_with_a_message_never_a_500(db, client, officer, post_form, enrolled, bad):
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form(CODE, {"code": bad})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "<script>alert(1)</script>" not in text_of(response)
    assert not is_signed_in(client)


@pytest.mark.parametrize("bad", HOSTILE_CODES)
def test_hostile_codes_at_set_up_and_turn_off_are_refused(db, client, officer, post_form, clock, bad):
    sign_in(post_form, officer.email, PASSWORD)
    response = post_form(SET_UP, {"code": bad})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    set_up_two_factor(client, post_form)
    refused = post_form(TURN_OFF, {"proof": bad}, form_url=SET_UP)
    assert refused.status_code == 200
    db.session.refresh(officer)
    assert officer.two_factor_enabled
