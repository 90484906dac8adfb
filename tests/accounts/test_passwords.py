"""The password policy, argon2id hashing, and the change-password page refusing bad input."""

import re

import pytest
from sqlalchemy import func, select

from engage.accounts.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, policy_problems, verify_password
from engage.audit import AuditEntry
from tests.factories import PASSWORD

#: 12 characters, no dictionary words: strong enough for the policy.
STRONG_12 = "Xq7#mRt2!pLz"
#: Long, varied, random-looking text to cut the long passwords from (no dictionary words, no runs).
NOISE = "q7Xm2RtZp9LkWv4NbJ8sHc3GyD6fTa5Ue1KoYi0PxQr7Mn2Bz9Vl4Cw8Sj3Hd6Ft5Ga1Ek0Io"
NEW_PASSWORD = "violet-tractor-harbour-91"


def noise(length):
    """Return ``length`` characters of NOISE, repeated with a shift so no long run repeats."""
    text = ""
    shift = 0
    while len(text) < length:
        text += NOISE[shift:] + NOISE[:shift]
        shift += 7
    return text[:length]


# The policy ---------------------------------------------------------------------------


def test_policy_rejects_a_password_one_character_too_short():
    assert len(STRONG_12[:-1]) == MIN_LENGTH - 1
    assert policy_problems(STRONG_12[:-1]) == ["Password must be at least 12 characters"]


def test_policy_accepts_a_strong_twelve_character_password():
    assert len(STRONG_12) == MIN_LENGTH
    assert policy_problems(STRONG_12) == []


@pytest.mark.parametrize("length", [64, 72, 73, 100, MAX_LENGTH])
def test_policy_accepts_long_passwords_up_to_the_maximum(length):
    assert policy_problems(noise(length), email="jo.bloggs@example.org", name="Jo Bloggs") == []


def test_policy_rejects_a_password_one_character_too_long():
    assert policy_problems(noise(MAX_LENGTH + 1)) == ["Password must be 128 characters or fewer"]


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "Password1234"])
def test_policy_rejects_common_passwords(password):
    problems = policy_problems(password)
    assert len(problems) == 1
    assert problems[0].startswith("Choose a password that is harder to guess")


def test_policy_rejects_a_password_built_from_the_service_name():
    problems = policy_problems("Engagement2026!")
    assert len(problems) == 1
    assert problems[0].startswith("Choose a password that is harder to guess")


@pytest.mark.parametrize(
    "password",
    ["jo.bloggs@example.org-2026", "my-JO.BLOGGS@EXAMPLE.ORG", "jo.bloggs-walks-the-dog-7"],
)
def test_policy_rejects_a_password_containing_the_email_address(password):
    assert policy_problems(password, email="jo.bloggs@example.org") == ["Password must not contain your email address"]


def test_policy_rejects_a_long_password_made_of_the_persons_name():
    problems = policy_problems("MargaretThornbury", email="m.t@example.org", name="Margaret Thornbury")
    assert problems and problems[0].startswith("Choose a password that is harder to guess")


# Hashing ------------------------------------------------------------------------------


def test_hashes_are_argon2id_and_salted():
    first, second = hash_password(STRONG_12), hash_password(STRONG_12)
    assert first.startswith("$argon2id$")
    assert first != second
    assert STRONG_12 not in first


def test_verify_password_accepts_only_the_right_password():
    stored = hash_password(STRONG_12)
    assert verify_password(stored, STRONG_12) is True
    assert verify_password(stored, STRONG_12.lower()) is False
    assert verify_password(None, STRONG_12) is False
    assert verify_password("not-a-hash", STRONG_12) is False


# The change-password page ------------------------------------------------------------


def stored_state(db, user):
    db.session.refresh(user)
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return user.password_hash, user.session_epoch, count


def page_title(response):
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


def test_officer_can_change_their_password_to_an_argon2id_hash(db, officer, login_as, post_form):
    login_as(officer)
    response = post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    db.session.refresh(officer)
    assert officer.password_hash.startswith("$argon2id$")
    assert verify_password(officer.password_hash, NEW_PASSWORD)
    assert not verify_password(officer.password_hash, PASSWORD)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changed_fields == ["password_hash", "session_epoch"]


def test_officer_can_change_their_password_to_a_long_one(db, officer, login_as, post_form):
    login_as(officer)
    long_password = noise(MAX_LENGTH)
    response = post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": long_password, "confirm_password": long_password},
    )
    assert response.status_code == 302
    db.session.refresh(officer)
    assert verify_password(officer.password_hash, long_password)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "not-my-password-at-all", "new_password": NEW_PASSWORD},
            "Your current password is not correct",
        ),
        (
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"},
            "The passwords do not match",
        ),
        (
            {"current_password": PASSWORD, "new_password": "password1234", "confirm_password": "password1234"},
            "Choose a password that is harder to guess",
        ),
        (
            {"current_password": PASSWORD, "new_password": "short-1", "confirm_password": "short-1"},
            "Password must be at least 12 characters",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "officer@example.org-x9",
                "confirm_password": "officer@example.org-x9",
            },
            "Password must not contain your email address",
        ),
        (
            {"current_password": "", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            "Enter your current password",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": noise(MAX_LENGTH + 1),
                "confirm_password": noise(MAX_LENGTH + 1),
            },
            "Password must be 128 characters or fewer",
        ),
    ],
)
def test_officer_cannot_change_password_with_bad_input(db, client, officer, login_as, post_form, data, message):
    data = {"confirm_password": data.get("new_password", ""), **data}
    login_as(officer)
    before = stored_state(db, officer)
    response = post_form("/account/password", data)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert message in text
    assert page_title(response).startswith("Error: ")
    assert stored_state(db, officer) == before
    # The session was not ended: the officer is still signed in.
    assert client.get("/account/").status_code == 200


def test_changing_password_does_not_show_the_passwords_back(officer, login_as, post_form):
    login_as(officer)
    response = post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "mismatch-" + NEW_PASSWORD},
    )
    text = response.get_data(as_text=True)
    assert "There is a problem" in text
    assert PASSWORD not in text
    assert NEW_PASSWORD not in text
