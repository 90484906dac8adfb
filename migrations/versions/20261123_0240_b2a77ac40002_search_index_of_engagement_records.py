"""Search index of engagement records: FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: b2a77ac40002
Revises: b2a77ac40003
Create Date: 2026-11-23 02:40:00

Hand-written: neither table has a model (engage.db.include_object leaves them out of autogenerate).
The DDL is the same as engage.search's, which tests create through db.create_all().
"""

import sqlalchemy as sa
from alembic import op

from engage.records.redaction import redact

# revision identifiers, used by Alembic.
revision = "b2a77ac40002"
down_revision = "b2a77ac40003"
branch_labels = None
depends_on = None

SQLITE = ("CREATE VIRTUAL TABLE record_search USING fts5(title, body, tags, tokenize = 'unicode61 remove_diacritics 2')",)
POSTGRESQL = (
    "CREATE TABLE record_search ("
    " record_id integer PRIMARY KEY REFERENCES engagement_records (id) ON DELETE CASCADE,"
    " title text NOT NULL, body text NOT NULL,"
    " document tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED)",
    "CREATE INDEX ix_record_search_document ON record_search USING gin (document)",
)
# Highlight sentinels and NUL never reach the index (see engage.search).
_STRIP = str.maketrans("", "", "\ue002\ue003\x00")


def _links(bind, table, column, ids, prefix):
    found = {}
    sql = sa.text(f"SELECT record_id, {column} FROM {table} WHERE record_id IN :ids")  # noqa: S608 (literals)
    for record_id, other in bind.execute(sql.bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}):
        found.setdefault(record_id, []).append(f"{prefix}{other}")
    return found


def _backfill(bind, key):
    """Index the records already stored: title; what we heard and outcomes, identifying passages
    removed; quotes; actions; attachment text (as engage.search.document_for does).

    On SQLite also the ``tags`` column: filter values as tokens (see engage.search.tags_for).
    """
    last = 0
    while True:
        records = bind.execute(
            sa.text(
                "SELECT id, title, what_we_heard, outcomes, kind, sensitivity, happened_on FROM engagement_records"
                " WHERE id > :last ORDER BY id LIMIT 2000"
            ),
            {"last": last},
        ).all()
        if not records:
            return
        ids = [r.id for r in records]
        children = {}
        for sql in (
            "SELECT record_id, text FROM record_quotes WHERE record_id IN :ids ORDER BY id",
            "SELECT record_id, description || :nl || outcome FROM record_actions WHERE record_id IN :ids ORDER BY id",
            "SELECT record_id, text FROM record_attachments WHERE record_id IN :ids ORDER BY id",
        ):
            query = sa.text(sql).bindparams(sa.bindparam("ids", expanding=True))
            for record_id, part in bind.execute(query, {"ids": ids, "nl": "\n"}):
                children.setdefault(record_id, []).append(part)
        links = [
            _links(bind, "record_places", "place_id", ids, "p"),
            _links(bind, "record_topics", "topic_id", ids, "t"),
            _links(bind, "record_organisations", "organisation_id", ids, "o"),
        ]
        rows = []
        for r in records:
            parts = [p for p in [redact(r.what_we_heard), redact(r.outcomes), *children.get(r.id, [])] if p]
            rows.append({"id": r.id, "title": (r.title or "").translate(_STRIP), "body": "\n\n".join(parts).translate(_STRIP)})
        if key == "rowid":
            for row, r in zip(rows, records, strict=True):
                year = str(r.happened_on)[:4]
                tokens = [f"k{r.kind.replace('_', '')}", f"s{r.sensitivity}", f"y{year}"]
                row["tags"] = " ".join(tokens + [t for found in links for t in found.get(r.id, [])])
            sql = "INSERT INTO record_search (rowid, title, body, tags) VALUES (:id, :title, :body, :tags)"
        else:
            sql = "INSERT INTO record_search (record_id, title, body) VALUES (:id, :title, :body)"
        bind.execute(sa.text(sql), rows)
        last = ids[-1]


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)
    _backfill(bind, "record_id" if postgresql else "rowid")


def downgrade():
    op.execute("DROP TABLE IF EXISTS record_search")
