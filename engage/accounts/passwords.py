"""Password hashing (argon2id) and the password policy."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
#: zxcvbn score (0-4) a password must reach: 3 is "safely unguessable" against online attacks.
MIN_SCORE = 3
#: zxcvbn refuses longer input (ValueError), and slows down sharply on it anyway.
ZXCVBN_MAX_LENGTH = 72
#: Words anyone attacking an Engage site would try first.
CONTEXT_WORDS = ["engage", "engagement", "nhs", "kent", "medway", "healthwatch", "consultation"]

_hasher = PasswordHasher()


@cache
def _dummy_hash():
    """Verified against when the email is unknown, so a wrong email costs as long as a wrong password.

    Made on first use, not at import: argon2 takes 64 MiB for it, and processes that never sign
    anyone in (export workers, cron commands) should not carry that peak.
    """
    return _hasher.hash("not-a-real-password-used-to-even-out-timing")


def hash_password(password):
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash, password):
    """Return True if ``password`` matches ``password_hash``; None hashes never match."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password):
    """Run one verification against a dummy hash, for unknown accounts."""
    verify_password(None, password)


def needs_rehash(password_hash):
    """Return True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def policy_problems(password, *, email="", name=""):
    """Return a list of plain-English reasons ``password`` is not allowed (empty when it is)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters")
        return problems
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be {MAX_LENGTH} characters or fewer")
        return problems
    lowered = password.lower()
    local_part = email.split("@")[0].lower() if email else ""
    if email and (email.lower() in lowered or (len(local_part) >= 4 and local_part in lowered)):
        problems.append("Password must not contain your email address")
        return problems
    user_inputs = [*CONTEXT_WORDS, *email.lower().replace("@", " ").replace(".", " ").split()]
    user_inputs += name.lower().split()
    # The first ZXCVBN_MAX_LENGTH characters decide strength.
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=user_inputs, max_length=ZXCVBN_MAX_LENGTH)
    if result["score"] < MIN_SCORE:
        hint = result["feedback"]["warning"] or "It would be easy to guess"
        problems.append(f"Choose a password that is harder to guess. {hint.rstrip('.')}.")
    return problems
