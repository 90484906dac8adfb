"""TOTP two-factor sign-in: secrets (encrypted at rest), codes without replay, QR codes, recovery codes.

The secret is encrypted with Fernet (cryptography) under a key derived from SECRET_KEY with HKDF,
so a database dump alone does not reveal it. The trade-off: changing SECRET_KEY makes every stored
secret unreadable, and those users must be given a reset (``flask users reset-2fa``) and set up
again. Secrets, codes and recovery codes never go to a log or the audit trail.
"""

import base64
import hashlib
import hmac
import secrets

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from engage.dates import now_utc

ISSUER = "Engage"
#: Codes from one step either side of now are accepted (clock drift); never two steps.
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
#: 16 characters from 31 that cannot be mistaken for one another: about 79 random bits per code.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted (SECRET_KEY changed): the user needs a reset."""


def _fernet():
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"engage totp secret v1").derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret():
    """A new random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def encrypt_secret(secret):
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, AttributeError, ValueError) as error:
        raise SecretUnreadable from error


def provisioning_uri(secret, email):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_data_uri(uri):
    """A QR code of ``uri`` as an SVG data: URI (drawn here, no outside service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret):
    """The secret in groups of four for typing: ``ABCD EFGH ...``."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code):
    return "".join((code or "").split()).replace("-", "").lower()


def looks_like_totp(code):
    code = normalise_code(code)
    # ASCII only: str.isdigit() is also true of other scripts' digits, which compare_digest refuses.
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_timestep(secret, code, *, after=None):
    """Return the time step whose code ``code`` is (within VALID_WINDOW of now), or None.

    A step at or before ``after`` (the last one accepted) never matches: a code cannot be replayed.
    """
    code = normalise_code(code)
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(now_utc())
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes():
    """Fresh recovery codes to show once, formatted ``xxxx-xxxx-xxxx-xxxx``."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    return codes


def hash_recovery_code(code):
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
