"""the PostgreSQL search index keeps each record's filter values as tags, and a copy of the newest rows

Tags (as SQLite's FTS5 row has them): a search reads its candidates' facets from the index row
alone, instead of joining the records table and three link tables per candidate (four lookups
each, most of a search's buffer reads at a million records).

record_search_recent: the newest 100,000 records' rows again, with their own GIN index, whose
posting lists are a tenth as long at a million records, and the tags in the document as lexemes
("#kworkshop", which no query word can be), so filters meet the words in the index; searches for
common words, which look only at a window of the newest records, read it (engage.search.PG_RECENT).

SQLite's index has had tags from the start, and FTS5 walks newest first: nothing to do there.

Revision ID: c3d4e5f60013
Revises: c3d4e5f60012
Create Date: 2026-12-06 04:00:00

"""

from alembic import op

revision = "c3d4e5f60013"
down_revision = "c3d4e5f60012"
branch_labels = None
depends_on = None

#: The tags of every indexed record, as engage.search.tags_for writes them.
BACKFILL = """
UPDATE record_search SET tags = concat_ws(' ',
    'k' || replace(e.kind, '_', ''), 's' || e.sensitivity, 'y' || extract(year FROM e.happened_on)::integer,
    (SELECT string_agg('p' || place_id, ' ') FROM record_places WHERE record_places.record_id = e.id),
    (SELECT string_agg('t' || topic_id, ' ') FROM record_topics WHERE record_topics.record_id = e.id),
    (SELECT string_agg('o' || organisation_id, ' ') FROM record_organisations
     WHERE record_organisations.record_id = e.id))
FROM engagement_records e WHERE e.id = record_search.record_id
"""


#: engage.search.PG_RECENT when this was written.
RECENT = 100_000


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE record_search ADD COLUMN tags text NOT NULL DEFAULT ''")
    op.execute(BACKFILL)
    op.execute(
        "CREATE TABLE record_search_recent ("
        " record_id integer PRIMARY KEY REFERENCES engagement_records (id) ON DELETE CASCADE,"
        " title text NOT NULL, body text NOT NULL, tags text NOT NULL DEFAULT '',"
        " document tsvector GENERATED ALWAYS AS"
        " (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
        " || array_to_tsvector(string_to_array(regexp_replace(tags, '(\\S+)', '#\\1', 'g'), ' '))) STORED)"
    )
    op.execute(
        "INSERT INTO record_search_recent (record_id, title, body, tags)"
        " SELECT record_id, title, body, tags FROM record_search"
        f" WHERE record_id > (SELECT max(record_id) FROM record_search) - {RECENT}"
    )
    op.execute("CREATE INDEX ix_record_search_recent_document ON record_search_recent USING gin (document)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE record_search_recent")
    op.execute("ALTER TABLE record_search DROP COLUMN tags")
