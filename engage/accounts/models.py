"""Users (staff members with one role) and their personal API tokens."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.dates import now_utc
from engage.db import TimestampMixin, UTCDateTime, str_enum
from engage.extensions import db
from engage.permissions import Role


class User(UserMixin, TimestampMixin, db.Model):
    """A member of staff: administrator, engagement officer or reviewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased so sign-in is case-insensitive and unique.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(str_enum(Role, 20))
    #: Organisation or team shown beside the name, e.g. "Healthwatch Kent".
    organisation: Mapped[str] = mapped_column(String(160), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A deactivated user cannot sign in and is signed out of every session.
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    #: While in the future, sign-in is refused even with the right password.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of the session cookie's user id: bumping it signs the user out everywhere
    #: (password change, deactivation), since Flask's cookie sessions cannot be revoked.
    session_epoch: Mapped[int] = mapped_column(default=0)
    #: Two-factor sign-in (TOTP): the shared secret, encrypted with a key derived from SECRET_KEY
    #: (engage/accounts/two_factor.py), so a database dump alone does not reveal it.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    #: Set when two-factor sign-in was turned on; None while it is off.
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last 30-second time step whose code was accepted: no code is accepted twice.
    totp_last_timestep: Mapped[int | None] = mapped_column()
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )

    def get_id(self):
        """Return the id Flask-Login keeps in the session: user id plus session epoch."""
        return f"{self.id}.{self.session_epoch}"

    @property
    def is_locked(self):
        """True while a run of failed sign-ins keeps the account locked."""
        return self.locked_until is not None and self.locked_until > now_utc()

    @property
    def two_factor_enabled(self):
        return self.totp_enabled_at is not None

    @property
    def role_label(self):
        return self.role.label

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


class TokenScope(StrEnum):
    """What an API token may do: read only, or read and write (within its user's permissions)."""

    read = "read"
    read_write = "read_write"

    @property
    def label(self):
        return {"read": "Read only", "read_write": "Read and write"}[self.value]


class ApiToken(db.Model):
    """A personal API token. Only a hash of the secret is stored: the secret is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: SHA-256 of the secret, hex. The secret is 256 random bits, so a fast hash is enough (no salt needed).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the secret ("eng_ab12"), shown on the account page so a user can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope, 12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship(User)

    @property
    def is_usable(self):
        """Not revoked, not expired, and its user is still active."""
        return self.revoked_at is None and self.expires_at > now_utc() and self.user.is_active

    @property
    def can_write(self):
        return self.scope == TokenScope.read_write

    def __repr__(self):
        return f"<ApiToken {self.id} {self.prefix}>"


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the normalised code (random codes of about 79 bits, so a fast hash is enough).
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class EndedSession(db.Model):
    """A signed-in session that was signed out: its cookie, even if copied, no longer signs anyone in.

    Flask keeps the session in a signed cookie that the server cannot take back, so each sign-in
    gets a random id (engage/accounts/sessions.py) and signing out lists that id here. Only a hash
    is kept; rows older than the longest session are swept when the next session ends.
    """

    __tablename__ = "ended_sessions"

    #: SHA-256 of the session's random id, hex.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
