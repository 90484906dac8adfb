"""the PostgreSQL search index keeps each record's filter values as tags (as SQLite's FTS5 row does)

A search reads its candidates' facets from the index row alone, instead of joining the records
table and three link tables per candidate (four lookups each, most of a search's buffer reads at a
million records). SQLite's index has had the column from the start: nothing to do there.

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


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE record_search ADD COLUMN tags text NOT NULL DEFAULT ''")
    op.execute(BACKFILL)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE record_search DROP COLUMN tags")
