"""Declarative base with named constraints, a UTC datetime type and shared mixins."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

from engage.dates import now_utc

# Named constraints let SQLite batch migrations find them and keep autogenerate stable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest id a table holds: primary keys are PostgreSQL ``integer`` columns.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL, capped at MAX_ID, so a larger number is a 404 from the router.

    Such a number can name no row, and binding it fails in the driver (SQLite refuses integers
    beyond 64 bits; PostgreSQL's integer beyond 32), which would be a 500. Installed as the ``int``
    converter for every route by create_app.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC and always return aware UTC datetimes.

    SQLite has no time zones, PostgreSQL has ``timestamptz``; this type makes both
    behave the same and refuses naive values, which are a bug at this layer.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    """``created_at``/``updated_at`` columns kept by the ORM from engage.dates.now_utc()."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


#: WAL pages a commit may leave before it copies them back into the database file (SQLite's default
#: is 1,000). Under steady writes, other workers' reads keep a checkpoint from finishing, so at 1,000
#: nearly every later commit checkpoints again, with two fsyncs: 470 fsyncs in 14 s of the survey
#: benchmark against 55 at 10,000 (and submissions per second up by 3 to 8% over six alternating
#: runs). The WAL file grows to about 40 MB at most.
SQLITE_WAL_AUTOCHECKPOINT = 10_000


def _set_sqlite_pragmas(busy_timeout_ms):
    def on_connect(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # WAL lets readers carry on while a response is being written.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT}")
        cursor.close()

    return on_connect


def configure_engine(engine: Engine, app):
    """Apply per-connection settings: SQLite gets WAL, foreign keys and a busy timeout."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas(app.config["SQLITE_BUSY_TIMEOUT_MS"]))


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic autogenerate filter: leave alone what the migrations create by hand.

    That is the PostgreSQL-only trigram indexes (``*_trgm``: GIN + gin_trgm_ops has no portable
    model form) and the search index (``record_search*``: an FTS5 virtual table and its shadow
    tables on SQLite, a tsvector table on PostgreSQL; see engage.search).
    """
    if type_ == "index" and name and name.endswith("_trgm"):
        return False
    return not (type_ in ("table", "index") and name and name.startswith(("record_search", "ix_record_search")))


def str_enum(cls, length=30):
    """A column type for a StrEnum: stored as its values in a VARCHAR (no database enum type to migrate)."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])
