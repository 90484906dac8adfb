"""Configuration classes; every value comes from the environment (Flask docs/config.rst pattern)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ENGAGE_INSTANCE_PATH", BASE_DIR / "instance"))


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'engage.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: SQLite waits this long (ms) for a lock before "database is locked".
    SQLITE_BUSY_TIMEOUT_MS = _int("SQLITE_BUSY_TIMEOUT_MS", 5000)
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL", "memory://"))
    # No X-RateLimit-* headers: every limited route is an HTML form POST whose readers (browsers)
    # ignore them, and working them out costs a storage round trip on every limited request. A 429
    # still says Retry-After (engage.errors).
    RATELIMIT_HEADERS_ENABLED = False
    # Said outright: Flask-Limiter otherwise inherits "enabled" from the last app it served
    # (one limiter object, many apps in tests).
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # If the limiter's shared store (Redis) goes down, limits carry on per worker in memory rather
    # than refusing requests: a resident's response must still be taken.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: Sign-in attempts allowed per client address.
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10/minute;100/hour")
    #: Alternative format requests allowed per client address (a public form: keep bots out).
    FORMAT_REQUEST_RATE_LIMIT = os.environ.get("FORMAT_REQUEST_RATE_LIMIT", "5/minute;30/day")
    #: Residents' comments on a charter draft allowed per client address.
    CHARTER_COMMENT_RATE_LIMIT = os.environ.get("CHARTER_COMMENT_RATE_LIMIT", "5/minute;50/day")
    #: Survey responses sent (and resume links emailed) per client address.
    RESPONSE_RATE_LIMIT = os.environ.get("RESPONSE_RATE_LIMIT", "10/minute;50/hour")
    #: Requests each API token may make (or each address, without a token).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/minute;5000/hour")
    #: Failed sign-ins in a row that lock an account, and for how long.
    LOCKOUT_THRESHOLD = _int("LOCKOUT_THRESHOLD", 10)
    LOCKOUT_MINUTES = _int("LOCKOUT_MINUTES", 15)
    #: Administrators must turn on two-factor sign-in (TOTP) before they can do anything else.
    REQUIRE_ADMIN_2FA = _bool("REQUIRE_ADMIN_2FA", False)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "engage@example.org")
    #: "smtp" sends through MAIL_SERVER; "console" prints each email instead (development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    #: The address residents reach Engage at; links in emails start with it.
    EXTERNAL_URL = os.environ.get("EXTERNAL_URL", "http://localhost:5000")
    #: Subscription requests allowed per client address (a public form that sends email).
    SUBSCRIBE_RATE_LIMIT = os.environ.get("SUBSCRIBE_RATE_LIMIT", "5/minute;30/day")
    #: Response exports with fewer rows than this download at once; larger ones run as a background job.
    EXPORT_INLINE_MAX_ROWS = _int("EXPORT_INLINE_MAX_ROWS", 5000)
    #: Where background exports run: "auto" (RQ when REDIS_URL is set, else a thread), "rq" or "thread".
    EXPORT_RUNNER = os.environ.get("EXPORT_RUNNER", "auto")
    #: A running export silent this long (or queued this long) has lost its worker: it is marked failed.
    EXPORT_STALE_MINUTES = _int("EXPORT_STALE_MINUTES", 15)
    #: Days a finished export's file is kept before ``flask exports sweep`` deletes it.
    EXPORT_KEEP_DAYS = _int("EXPORT_KEEP_DAYS", 7)
    #: Days after a consultation's outcome is published that respondents' personal details are kept.
    RESPONSE_RETENTION_DAYS = _int("RESPONSE_RETENTION_DAYS", 365)
    #: Equality monitoring breakdowns hide any group of fewer respondents than this (special category data).
    EQUALITY_MIN_GROUP_SIZE = _int("EQUALITY_MIN_GROUP_SIZE", 10)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: A signed-in session ends this long after sign-in (absolute), or after this long without a request (idle).
    PERMANENT_SESSION_LIFETIME = _int("SESSION_LIFETIME_SECONDS", 12 * 3600)
    SESSION_IDLE_SECONDS = _int("SESSION_IDLE_SECONDS", 30 * 60)
    # A resident writing a long story must not lose it to an expired token: the
    # CSRF token lives as long as the session does (RELIABILITY.md 3.5).
    WTF_CSRF_TIME_LIMIT = PERMANENT_SESSION_LIFETIME
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 20 * 1024 * 1024)
    #: Most fields one form post may carry (the longest survey page has far fewer).
    MAX_FORM_FIELDS = _int("MAX_FORM_FIELDS", 1000)
    #: Force HTTPS redirects and HSTS (Talisman). On behind a TLS proxy in production.
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)
    #: Number of proxies in front of the app whose X-Forwarded-* headers we trust.
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    PAGE_SIZE = _int("PAGE_SIZE", 50)

    #: Largest attachment accepted, in bytes (MAX_CONTENT_LENGTH caps a whole request).
    ATTACHMENT_MAX_BYTES = _int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    #: Files one upload may carry.
    ATTACHMENTS_PER_UPLOAD = _int("ATTACHMENTS_PER_UPLOAD", 10)
    #: Local folder for attachments; never under engage/static. Ignored when a bucket is set.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR", str(INSTANCE_DIR / "attachments"))
    #: An S3-compatible bucket that several app hosts share. Keys and region come from the usual
    #: AWS_* environment variables; the endpoint is for non-AWS stores (MinIO, Ceph...).
    ATTACHMENTS_S3_BUCKET = os.environ.get("ATTACHMENTS_S3_BUCKET")
    ATTACHMENTS_S3_ENDPOINT_URL = os.environ.get("ATTACHMENTS_S3_ENDPOINT_URL")
    ATTACHMENTS_S3_REGION = os.environ.get("ATTACHMENTS_S3_REGION", os.environ.get("AWS_DEFAULT_REGION"))
    ATTACHMENTS_S3_PREFIX = os.environ.get("ATTACHMENTS_S3_PREFIX", "attachments/")


class DevelopmentConfig(Config):
    """Local development on SQLite; makes and keeps a secret key in instance/."""

    ENV_NAME = "development"
    DEBUG = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")

    @staticmethod
    def init_secret_key():
        """Return SECRET_KEY from the environment, or one generated once and kept in instance/."""
        if os.environ.get("SECRET_KEY"):
            return os.environ["SECRET_KEY"]
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file = INSTANCE_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


class TestingConfig(Config):
    """Tests: in-memory SQLite (or TEST_DATABASE_URL), a throwaway key, mail that cannot deliver."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = secrets.token_urlsafe(32)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    # Port 1 is never an SMTP server, so a test can never send real email.
    MAIL_SERVER = "localhost"
    MAIL_PORT = 1
    MAIL_BACKEND = "smtp"
    SESSION_COOKIE_SECURE = False
    # Tests give each app a temporary folder (tests/conftest.py); never the developer's bucket.
    ATTACHMENTS_S3_BUCKET = None


class ProductionConfig(Config):
    """Production: refuses to start without a real SECRET_KEY; secure cookies and HTTPS."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)
    REQUIRE_ADMIN_2FA = _bool("REQUIRE_ADMIN_2FA", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
