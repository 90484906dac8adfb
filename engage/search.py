"""Full-text search over engagement records: one interface, SQLite FTS5 or PostgreSQL behind it.

The index holds one document per record, built by :func:`document_for` (title; what we heard with
identifying passages already removed; quotes). A session hook rewrites a record's index row in the
same transaction as any change to the record or its watched children, so search never lags.

Speed: ranking every match of a very common word is what makes a naive query slow (hundreds of
milliseconds at a million records). So the work is bounded: a cheap probe tells whether a query
matches more than ``EXACT_LIMIT`` records; if not, every match is ranked and counted exactly. If
so, only the newest ``CANDIDATES`` matches are ranked, counted and faceted, and the page says so.
Each index row carries the record's filter values as a ``tags`` column (see tags_for), from which
the facets are counted with no join. On SQLite the filters travel inside the MATCH as those tokens,
and a walk through very common words is bounded to the newest records (see _SQLiteEngine.floor).
On PostgreSQL many matches are searched in a window of the newest records, in a copy of their index
rows with a GIN index of its own and the tags as lexemes (see PG_RECENT).
"""

import functools
import html
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from flask import current_app
from markupsafe import Markup
from sqlalchemy import (
    DDL,
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    cast,
    event,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY, TSVECTOR
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import True_

from engage.dates import now_utc
from engage.extensions import db
from engage.pagination import Pager
from engage.records.models import (
    EngagementRecord,
    RecordAction,
    RecordAttachment,
    RecordKind,
    RecordQuote,
    Sensitivity,
)
from engage.records.redaction import redact

#: The longest query we read (characters) and the most words we search for.
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
#: A query matching at most this many records is ranked, counted and faceted exactly.
EXACT_LIMIT = 1000
#: Above EXACT_LIMIT, only this many of the newest matches are ranked and faceted. Reading,
#: ranking and counting them is most of a search's work: 500 keeps a page near 25 ms.
CANDIDATES = 500
#: PostgreSQL, many matches: how many of the newest records are searched (without / with filters).
PG_WINDOW = 10_000
PG_WINDOW_FILTERED = 50_000
#: PostgreSQL: the newest this many records are also indexed in record_search_recent, whose GIN
#: posting lists are a tenth as long at a million records: the windows above are searched there
#: (common words cost 3-12 ms instead of 20-45). It must hold the largest window with room to spare.
PG_RECENT = 100_000
#: SQLite: the most posting-list entries a search may step through (about 5-10 ms); see floor.
WALK_BUDGET = 250_000
#: SQLite: a word's (or filter value's) share of records is measured once per process over this many newest records.
SHARE_SAMPLE = 10_000
#: SQLite: a search expected to match at most this many records is walked oldest first (see _candidates):
#: half of CANDIDATES, as words seldom occur independently of each other.
FEW_EXPECTED = CANDIDATES // 2
#: SQLite: snippets step through the words' entries between a page's ids rather than search for
#: each id when that walk is at most this many entries per id (measured: break-even near 600).
SNIPPET_WALK_PER_ID = 400
#: Facet values listed per facet.
FACET_SIZE = 8

# Highlight boundaries: private-use characters removed from indexed text, so no record can fake
# them; the snippet is HTML-escaped and only then are they turned into <mark> tags.
_HL_OPEN, _HL_CLOSE = "\ue002", "\ue003"
_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}

#: Children whose text is part of a record's document: model -> the record's collection of them.
#: To index another child, add it here and in document_for.
WATCHED_CHILDREN = {RecordQuote: "quotes", RecordAction: "actions", RecordAttachment: "attachments"}

# -- the index DDL (used by db.create_all() in tests and mirrored in the migration) ------------------

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE record_search USING fts5(title, body, tags, tokenize = 'unicode61 remove_diacritics 2')",
)
POSTGRESQL_DDL = (
    "CREATE TABLE record_search ("
    " record_id integer PRIMARY KEY REFERENCES engagement_records (id) ON DELETE CASCADE,"
    " title text NOT NULL, body text NOT NULL, tags text NOT NULL DEFAULT '',"
    " document tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED)",
    "CREATE INDEX ix_record_search_document ON record_search USING gin (document)",
    # The newest PG_RECENT records' rows again (see PG_RECENT), kept in step by _write_rows.
    # Its document also holds the tags as lexemes "#kworkshop", "#t3"..., which no query word can be
    # (plainto_tsquery never keeps a "#"): filters join the words in the GIN index, as on SQLite.
    "CREATE TABLE record_search_recent ("
    " record_id integer PRIMARY KEY REFERENCES engagement_records (id) ON DELETE CASCADE,"
    " title text NOT NULL, body text NOT NULL, tags text NOT NULL DEFAULT '',"
    " document tsvector GENERATED ALWAYS AS"
    " (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
    " || array_to_tsvector(string_to_array(regexp_replace(tags, '(\\S+)', '#\\1', 'g'), ' '))) STORED)",
    "CREATE INDEX ix_record_search_recent_document ON record_search_recent USING gin (document)",
)

for _statement in SQLITE_DDL:
    event.listen(EngagementRecord.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_DDL:
    event.listen(EngagementRecord.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
event.listen(EngagementRecord.__table__, "before_drop", DDL("DROP TABLE IF EXISTS record_search"))
event.listen(
    EngagementRecord.__table__,
    "before_drop",
    DDL("DROP TABLE IF EXISTS record_search_recent").execute_if(dialect="postgresql"),
)


# -- the document -----------------------------------------------------------------------------------


def _plain(value):
    return (value or "").replace(_HL_OPEN, "").replace(_HL_CLOSE, "").replace("\x00", "")


def document_for(record):
    """Return ``(title, body)``: the text of ``record`` that search may find.

    Identifying passages are removed before indexing, so they can never be found or shown in a
    snippet. To index another child's text, add it to ``parts`` and to WATCHED_CHILDREN.
    """
    parts = [redact(record.what_we_heard), redact(record.outcomes)]
    parts += [quote.text for quote in record.quotes]
    parts += [f"{action.description}\n{action.outcome}" for action in record.actions]
    parts += [attachment.text for attachment in record.attachments]
    return _plain(record.title), _plain("\n\n".join(p for p in parts if p))


def tags_for(kind, sensitivity, happened_on, place_ids=(), topic_ids=(), organisation_ids=()):
    """The filter values of a record as tokens in its index row, so filters need no other table.

    FTS5 intersects its posting lists far faster than SQLite can check a million rows' links, so
    "carers, workshops, topic 3" is one index walk; PostgreSQL's recent copy has them as lexemes
    in its GIN index, and its full index checks them on the row it has already read. Tokens are
    letters+digits only (kworkshop, spublic, y2025, p12, t3, o45) and live in their own column,
    never confused with words.
    """
    kind, sensitivity = getattr(kind, "value", kind), getattr(sensitivity, "value", sensitivity)
    tokens = [f"k{kind.replace('_', '')}", f"s{sensitivity}", f"y{happened_on.year}"]
    tokens += [f"p{i}" for i in place_ids] + [f"t{i}" for i in topic_ids] + [f"o{i}" for i in organisation_ids]
    return " ".join(tokens)


def _tags_of(record):
    return tags_for(
        record.kind,
        record.sensitivity,
        record.happened_on,
        [p.id for p in record.places],
        [t.id for t in record.topics],
        [o.id for o in record.organisations],
    )


def _write_rows(connection, records, deleted_ids):
    dialect = connection.dialect.name
    ids = [r.id for r in records] + list(deleted_ids)
    if not ids:
        return
    key = "rowid" if dialect == "sqlite" else "record_id"
    connection.execute(
        text(f"DELETE FROM record_search WHERE {key} IN :ids").bindparams(bindparam("ids", expanding=True)),  # noqa: S608  # nosec B608  # key is one of two constant column names; ids are bound
        {"ids": ids},
    )
    if not records:
        return
    rows = [{"id": r.id, "title": t, "body": b, "tags": _tags_of(r)} for r in records for t, b in [document_for(r)]]
    connection.execute(
        text(f"INSERT INTO record_search ({key}, title, body, tags) VALUES (:id, :title, :body, :tags)"),  # noqa: S608  # nosec B608  # key is one of two constant column names
        rows,
    )
    if dialect == "postgresql":
        _write_recent(connection, [r.id for r in records])


#: PostgreSQL: refresh the recent copy of these records' rows (those among the newest PG_RECENT),
#: then let the oldest rows go as new records push them out of it.
_RECENT_STATEMENTS = (
    "DELETE FROM record_search_recent WHERE record_id = ANY(:ids)",
    "INSERT INTO record_search_recent (record_id, title, body, tags)"
    " SELECT record_id, title, body, tags FROM record_search WHERE record_id = ANY(:ids)"
    " AND record_id > (SELECT max(record_id) FROM record_search) - :recent",
    "DELETE FROM record_search_recent WHERE record_id <= (SELECT max(record_id) FROM record_search) - :recent",
)


def _write_recent(connection, ids):
    for statement in _RECENT_STATEMENTS:
        connection.execute(text(statement), {"ids": ids, "recent": PG_RECENT})


def _record_id_of(child):
    return child.record_id if child.record_id is not None else getattr(child.record, "id", None)


def _after_flush(session, flush_context):
    """Note which records this flush changed (their index rows are rewritten after it, below)."""
    changed, deleted, children = set(), set(), set()
    for obj in session.deleted:
        if isinstance(obj, EngagementRecord):
            deleted.add(obj.id)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, EngagementRecord) and obj.id not in deleted:
            changed.add(obj.id)
        elif type(obj) in WATCHED_CHILDREN:
            children.add(_record_id_of(obj))
    if changed or deleted or children:
        pending = session.info.setdefault("search_pending", {"changed": set(), "deleted": set(), "children": set()})
        pending["changed"] |= changed
        pending["deleted"] |= deleted
        pending["children"] |= children - {None}


def _after_flush_postexec(session, flush_context):
    """Rewrite the index rows of the records changed by the flush, in the same transaction."""
    pending = session.info.pop("search_pending", None)
    if not pending:
        return
    deleted = pending["deleted"]
    records = []
    with session.no_autoflush:
        for record_id in (pending["changed"] | pending["children"]) - deleted:
            record = session.get(EngagementRecord, record_id)
            if record is None:
                continue
            if record_id in pending["children"]:
                # A child deleted on its own is still in the collection held in memory: reload.
                session.expire(record, list(WATCHED_CHILDREN.values()))
            records.append(record)
        _write_rows(session.connection(), records, deleted)


def init_app(app):
    """Keep the index in step with every session's flushes."""
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
        event.listen(session_class, "after_flush_postexec", _after_flush_postexec)


def rebuild(batch=2000):
    """Rewrite the whole index from the records (``flask search rebuild``); returns how many."""
    connection = db.session.connection()
    connection.execute(text("DELETE FROM record_search"))
    if connection.dialect.name == "postgresql":
        connection.execute(text("DELETE FROM record_search_recent"))
    done, last = 0, 0
    while True:
        records = db.session.scalars(
            select(EngagementRecord)
            .where(EngagementRecord.id > last)
            .order_by(EngagementRecord.id)
            .limit(batch)
            .options(
                selectinload(EngagementRecord.quotes),
                selectinload(EngagementRecord.actions),
                selectinload(EngagementRecord.attachments),
                selectinload(EngagementRecord.places),
                selectinload(EngagementRecord.topics),
                selectinload(EngagementRecord.organisations),
            )
        ).all()
        if not records:
            return done
        _write_rows(connection, records, ())
        done += len(records)
        last = records[-1].id
        db.session.expunge_all()


# -- the query --------------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """The words we search for, and whether the user's query had to be shortened."""

    terms: list
    shortened: bool = False

    @property
    def text(self):
        return " ".join(self.terms)


def _folded_words(value):
    """Words as FTS5's unicode61 tokenizer sees them: case and diacritics folded."""
    value = (value or "").casefold()
    if not value.isascii():
        decomposed = unicodedata.normalize("NFKD", value)
        value = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WORD.findall(value)


def parse(raw):
    """Split a user's query into at most MAX_TERMS words; syntax characters are never passed on."""
    raw = (raw or "").replace("\x00", " ")
    shortened = len(raw) > MAX_QUERY_CHARS
    words = _WORD.findall(raw[:MAX_QUERY_CHARS])
    # Upper-case operators are search syntax to the user, not words to find (unless alone).
    if any(word not in _OPERATORS for word in words):
        words = [word for word in words if word not in _OPERATORS]
    terms = []
    for word in words:
        word = unicodedata.normalize("NFKC", word).lower()
        if word not in terms:
            terms.append(word)
    if len(terms) > MAX_TERMS:
        terms, shortened = terms[:MAX_TERMS], True
    return ParsedQuery(terms=terms, shortened=shortened)


class Named(NamedTuple):
    id: int
    name: str


@dataclass
class HitRecord:
    """What a hit shows of its record, read with the candidates: no query for the page's records."""

    id: int
    title: str
    kind: RecordKind
    sensitivity: Sensitivity
    happened_on: date
    places: list
    topics: list


@dataclass
class Hit:
    """One result: the record, its title and a snippet with the matched words marked."""

    record: HitRecord
    title: Markup
    snippet: Markup


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    #: The records list with this value added to the filters (set by the view).
    href: str = ""


@dataclass
class SearchResult(Pager):
    """A page of ranked hits with facets; fits the pager and count_of macros like a Page."""

    hits: list
    page: int
    per_page: int
    total: int
    #: True when the query matched more than EXACT_LIMIT records, or very common words bounded
    #: the walk: counts and facets are over the newest CANDIDATES matches (or fewer) only.
    total_capped: bool
    has_next: bool
    #: How many matches a capped search ranks at most: a capped total below it means "at least".
    candidates: int = 0
    facets: dict = field(default_factory=dict)
    notices: list = field(default_factory=list)
    terms: list = field(default_factory=list)

    @property
    def items(self):
        return [hit.record for hit in self.hits]


def mark(snippet):
    """Escape ``snippet`` and turn the highlight sentinels into <mark> tags (and nothing else)."""
    escaped = html.escape(snippet or "", quote=False)
    return Markup(escaped.replace(_HL_OPEN, "<mark>").replace(_HL_CLOSE, "</mark>"))  # noqa: S704  # nosec B704  # html.escape first, then only our <mark> tags


#: SQLite: a page's highlighted titles and snippets, searched for id by id or (BETWEEN) by one walk.
_SNIPPETS = text(
    "SELECT rowid, highlight(record_search, 0, :a, :b), snippet(record_search, 1, :a, :b, '…', 24)"
    " FROM record_search WHERE record_search MATCH :m AND rowid IN (SELECT value FROM json_each(:ids))"
)
_SNIPPETS_BETWEEN = text(
    "SELECT rowid, highlight(record_search, 0, :a, :b), snippet(record_search, 1, :a, :b, '…', 24)"
    " FROM record_search WHERE record_search MATCH :m AND rowid BETWEEN :low AND :high"
    " AND +rowid IN (SELECT value FROM json_each(:ids))"
)


class _SQLiteEngine:
    """FTS5: each word quoted (so MATCH never sees syntax); filters as tokens in the ``tags`` column.

    Ranking: every word in the title, then some words in the title, then the rest; newest first
    within each. Not bm25: FTS5's bm25 counts every row containing each word to weigh it (about
    30 ms for a very common word at a million records) whatever the LIMIT, which alone would
    break the 25 ms budget.
    """

    table = Table(
        "record_search",
        MetaData(),
        Column("rowid", Integer),
        Column("title", Text),
        Column("body", Text),
        Column("tags", Text),
    )
    key = table.c.rowid
    matches = text("record_search MATCH :m")
    #: Filters are in the MATCH and FTS5 walks newest first: no probe, one bounded query.
    one_pass = True
    #: The share of records holding the search's rarest word (set by floor; see snippets).
    rarest_share = 1.0
    #: How many records the walk is expected to match (set by floor; see _candidates).
    expected = 0.0

    @staticmethod
    def _quote(token):
        return '"' + token.replace('"', '""') + '"'

    def _text(self, parsed):
        return " AND ".join(self._quote(term) for term in parsed.terms)

    def params(self, parsed, groups=()):
        """The MATCH: the words, then one ``tags`` condition per filter group (see _tag_groups)."""
        return {"m": " AND ".join([self._text(parsed), *(self._tags(group) for group in groups)])}

    def _tags(self, group):
        return f"tags : ({' OR '.join(self._quote(t) for t in group)})"

    def candidates(self, where):
        """The candidates' query: id, title and tags, all from the index's own row.

        The tags give the facets with no further query; the title gives the ranking (see order).
        The records table is joined only when a condition needs it (a reviewer's visibility, exact
        dates): for an officer that saves a row lookup per candidate.
        """
        query = select(self.key.label("id"), self.table.c.title, self.table.c.tags).where(self.matches)
        where = [condition for condition in where if not isinstance(condition, True_)]
        if where:
            query = query.join_from(self.table, EngagementRecord.__table__, EngagementRecord.id == self.key)
        return query.where(*where)

    def floor(self, parsed, groups=()):
        """The oldest record id the index walk may reach, or None for no bound.

        The walk goes newest first and stops after CANDIDATES matches, but FTS5 steps through
        every entry of each word's posting list on the way: its cost per record passed is about
        the sum of the words' shares of records. Ordinary words (a few % each) cost little; very
        common words that seldom meet each other or the filters ("we heard people said", one
        topic and type) would walk a million records, tens of milliseconds. So the walk is cut
        where it would pass WALK_BUDGET entries, and the page says that only the newest records
        were searched. At a million records a query is cut only when its words' shares add up
        to more than a quarter.
        """
        newest = db.session.scalar(select(func.max(EngagementRecord.id)))
        if newest is None:
            self.expected = 0
            return None
        shares = [self._share(self._quote(term), newest) for term in parsed.terms]
        self.rarest_share = min(shares)
        cost = sum(shares)
        floor = newest - int(WALK_BUDGET / cost) if cost else 0
        floor = floor if floor > 0 else None
        # The matches expected in the walk, taking the words and filters as independent.
        self.expected = newest - (floor or 0)
        for share in shares:
            self.expected *= share
        for group in groups:
            self.expected *= min(1.0, sum(self._share(self._tags([token]), newest) for token in group))
        return floor

    def _share(self, match, newest):
        """The share of the newest SHARE_SAMPLE records that ``match`` finds, measured once per process."""
        shares = current_app.extensions.setdefault("engage_search_shares", {})
        share = shares.get(match)
        if share is None:
            if len(shares) >= 10_000:  # bounded: terms come from users
                shares.clear()
            held = db.session.scalar(
                text("SELECT count(*) FROM record_search WHERE record_search MATCH :m AND rowid > :after"),
                {"m": match, "after": newest - SHARE_SAMPLE},
            )
            share = shares[match] = held / min(SHARE_SAMPLE, newest)
        return share

    def order(self, parsed, rows):
        """Ids best first: all words in the title, some in the title, the rest; newest first in each.

        Titles come with the candidates, so this costs no query (an FTS5 title-only MATCH walks
        every record holding the words).
        """
        terms = set(parsed.terms)
        # Fast path, one C call per title: an ASCII title holding none of the words as substrings has none of them.
        any_term = re.compile("|".join(re.escape(term) for term in terms)).search

        def key(row):
            record_id, title = row[0], row[1] or ""
            if title.isascii() and any_term(title.lower()) is None:
                return (True, True, -record_id)
            words = set(_folded_words(title))
            return (not terms <= words, not terms & words, -record_id)

        return [row[0] for row in sorted(rows, key=key)]

    def snippets(self, parsed, ids):
        """The highlighted title and body snippet of each of ``ids``.

        Given ``rowid IN (...)``, FTS5 searches the words' posting lists afresh for each id (about
        0.1 ms each at a million records). When the ids lie close together, as a page of common
        words' newest matches does, stepping once through the words' entries between the lowest
        and highest id costs far less: then the list is only checked (``+rowid``), not searched.
        """
        low, high = min(ids), max(ids)
        walk = (high - low) * self.rarest_share  # entries of the rarest word between them
        by_range = walk <= SNIPPET_WALK_PER_ID * len(ids)
        rows = db.session.execute(
            _SNIPPETS_BETWEEN if by_range else _SNIPPETS,
            {"m": self._text(parsed), "a": _HL_OPEN, "b": _HL_CLOSE, "ids": json.dumps(ids), "low": low, "high": high},
        )
        return {row[0]: (row[1], row[2]) for row in rows}


class _PostgreSQLEngine:
    """tsvector + GIN: plainto_tsquery on our own word list (never to_tsquery), ts_rank_cd, ts_headline."""

    table = Table(
        "record_search",
        MetaData(),
        Column("record_id", Integer),
        Column("title", Text),
        Column("body", Text),
        Column("tags", Text),
        Column("document", TSVECTOR),
    )
    key = table.c.record_id
    one_pass = False

    #: With the recent copy: the filters as a tsquery of its tag lexemes (see PG_RECENT), or None.
    tag_query = None

    def recent(self, groups):
        """The same engine on record_search_recent (see PG_RECENT), for the windows of newest
        records, with the filters' tag ``groups`` (see _tag_groups) inside the full-text match: the
        GIN index meets the words with the filters, rather than returning every record in the
        window with a common word."""
        engine = _PostgreSQLEngine()
        engine.table = _RECENT_TABLE
        engine.key = _RECENT_TABLE.c.record_id
        if groups:
            # Tokens are letters and digits made from validated values (see tags_for); bound, not inlined.
            engine.tag_query = " & ".join("(" + " | ".join(f"'#{t}'" for t in group) + ")" for group in groups)
        return engine

    @property
    def matches(self):
        words = func.plainto_tsquery(literal_column("'english'::regconfig"), bindparam("q"))
        if self.tag_query is not None:
            words = words.op("&&")(cast(bindparam("tags"), TSQUERY))
        return self.table.c.document.op("@@")(words)

    def tag_filters(self, groups):
        """The filters' tag ``groups`` as conditions on the tags column, one overlap per group: a
        record must carry one token of every group. No condition on the recent copy, where the groups
        are in the full-text match already."""
        if self.tag_query is not None:
            return []
        tokens = func.string_to_array(self.table.c.tags, literal_column("' '"))
        return [tokens.op("&&")(cast(literal(group), ARRAY(Text))) for group in groups]

    def params(self, parsed, groups=()):
        """The words, and on the recent copy the filters' tsquery (see recent); elsewhere the
        filter ``groups`` are conditions on the tags column (see tag_filters), not parameters."""
        if self.tag_query is not None:
            return {"q": parsed.text, "tags": self.tag_query}
        return {"q": parsed.text}

    def order(self, parsed, rows):
        return [row[0] for row in rows]

    def candidates(self, where):
        """The candidates' query: id, score and tags (the filter values, for the facets), all from
        the index's own row; the records table is joined only when a condition needs it (a
        reviewer's visibility, a date range that is not whole years)."""
        query = select(self.key.label("id"), self.score().label("score"), self.table.c.tags).where(self.matches)
        where = [condition for condition in where if not isinstance(condition, True_)]
        if where:
            query = query.join_from(self.table, EngagementRecord.__table__, EngagementRecord.id == self.key)
        return query.where(*where)

    def prepare(self):
        """No parallel workers for the rest of this transaction: the candidates are a LIMIT walk
        down the primary key, and starting workers for it costs more than the walk itself (tens
        of milliseconds on a busy server, against a few)."""
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))

    def floor(self, parsed, filtered):
        """Search only the newest PG_WINDOW records (more with filters) when the words are common.

        A GIN index returns its matches unordered, so a common word means fetching tens of
        thousands of rows to find the newest; a window on the primary key bounds that work.
        """
        newest = db.session.scalar(select(func.max(self.key)))
        return None if newest is None else newest - (PG_WINDOW_FILTERED if filtered else PG_WINDOW)

    def score(self):
        # Negated so that, as with bm25, lower ranks first.
        return -func.ts_rank_cd(
            self.table.c.document, func.plainto_tsquery(literal_column("'english'::regconfig"), bindparam("q"))
        )

    def probe(self, parsed, flt):
        """The planner's estimate of the matches: cheap, where counting a common word exactly is not."""
        plan = db.session.scalar(
            text(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM record_search"
                " WHERE document @@ plainto_tsquery('english'::regconfig, :q)"
            ),
            self.params(parsed),
        )
        plan = plan if isinstance(plan, list) else json.loads(plan)
        return plan[0]["Plan"]["Plan Rows"]

    def snippets(self, parsed, ids):
        body_options = (
            # One fragment: MaxFragments mode drops punctuation. The default parser leaves HTML tags out.
            f"StartSel={_HL_OPEN}, StopSel={_HL_CLOSE}, MaxWords=35, MinWords=15"
        )
        rows = db.session.execute(
            text(
                "SELECT record_id, ts_headline('english', title, q, :title_options),"
                " ts_headline('english', body, q, :body_options)"
                " FROM record_search, plainto_tsquery('english'::regconfig, :q) AS q WHERE record_id = ANY(:ids)"
            ),
            {
                **self.params(parsed),
                "ids": ids,
                "body_options": body_options,
                "title_options": f"StartSel={_HL_OPEN}, StopSel={_HL_CLOSE}, HighlightAll=true",
            },
        )
        return {row[0]: (row[1], row[2]) for row in rows}


_RECENT_TABLE = _PostgreSQLEngine.table.to_metadata(MetaData(), name="record_search_recent")


def engine():
    """The search engine for the database in use."""
    return _PostgreSQLEngine() if db.engine.dialect.name == "postgresql" else _SQLiteEngine()


def _candidates(eng, parsed, user, flt):
    """Return ``(ids best first, capped, rows)`` for the records ``user`` may read that contain the
    words and pass the filters ``flt``.

    The rows are ``(id, title or score, tags)`` (see the engines' candidates), read by position in
    the loops over them: a Row's attribute access costs ten times its index, about 0.5 ms a page.

    Few matches: all of them. Many: the newest CANDIDATES matches passing the filters (the index
    walks newest first and stops), on PostgreSQL within a window of the newest records. SQLite
    needs no probe: it asks for CANDIDATES + 1 and so learns whether there were more (walking oldest
    first when its words' and filters' shares of records promise few).
    """
    groups = _tag_groups(flt)  # the place filter's descendants are a query: read them once
    if eng.one_pass:
        # The filters are tag tokens in the MATCH. The newest-first walk stops after
        # CANDIDATES + 1 rows: one more than that means capped, as does a bound on the walk
        # (older records were not searched).
        query = eng.candidates(_where(user, flt))
        floor = eng.floor(parsed, groups)
        if floor is not None:
            query = query.where(eng.key >= floor)
        params = eng.params(parsed, groups)
        rows = None
        if eng.expected <= FEW_EXPECTED:
            # Few matches expected, so the walk passes every record anyway: FTS5 walks oldest first
            # faster (newest first it reads each page of a posting list backwards), about 2 ms of 7
            # with a place and years at a million records. More than CANDIDATES: walk again, newest first.
            rows = db.session.execute(query.order_by(eng.key).limit(CANDIDATES + 1), params).all()
            rows = rows if len(rows) <= CANDIDATES else None
        if rows is None:
            rows = db.session.execute(query.order_by(eng.key.desc()).limit(CANDIDATES + 1), params).all()
        capped = len(rows) > CANDIDATES or floor is not None
        rows = rows[:CANDIDATES]
        return eng.order(parsed, rows), capped, rows
    eng.prepare()
    exact = eng.probe(parsed, flt) <= EXACT_LIMIT
    floor = None
    if not exact:
        eng = eng.recent(groups)
        floor = eng.floor(parsed, filtered=bool(groups))
    # Every filter but an exact date range is in the index rows' tags, so it costs no row lookup
    # in the records or link tables (for an officer: no join at all). At a million records that
    # took "common words, public, since 2022" from 47 ms to 23 ms for its slowest query, and
    # "two words, a place, 2024-2025" (every match) from 19 ms to 8.
    query = eng.candidates(_where(user, flt)).where(*eng.tag_filters(groups))
    if floor is not None:
        query = query.where(eng.key >= floor)
    if not exact:
        query = query.order_by(eng.key.desc()).limit(CANDIDATES)
    rows = db.session.execute(query, eng.params(parsed, groups)).all()
    capped = not exact and (floor is not None or len(rows) >= CANDIDATES)  # fewer: every match was seen
    rows.sort(key=lambda row: (row[1], -row[0]))  # (score, id): see candidates
    return eng.order(parsed, rows), capped, rows


def _tag_groups(flt):
    """Filter values as groups of tag tokens: a record must carry one token of every group."""
    from engage.stakeholders.queries import place_and_descendants

    groups = []
    if flt.kind:
        groups.append([f"k{flt.kind.replace('_', '')}"])
    if flt.sensitivity:
        groups.append([f"s{flt.sensitivity}"])
    if flt.place_id:
        groups.append([f"p{i}" for i in place_and_descendants(flt.place_id)])
    if flt.topic_id:
        groups.append([f"t{flt.topic_id}"])
    if flt.organisation_id:
        groups.append([f"o{flt.organisation_id}"])
    years = _tag_years(flt)
    if years:
        groups.append([f"y{year}" for year in years])
    return groups


def _tag_years(flt):
    """The years a date filter spans, when they are few enough to be tag tokens (else None)."""
    if not flt.date_from:
        return None
    first, last = flt.date_from.year, flt.date_to.year if flt.date_to else now_utc().year + 1
    return range(first, last + 1) if 0 <= last - first <= 50 else None


def _whole_years(flt):
    """Whether the date filter is whole years that its year tokens say exactly (a year facet's link,
    "from 1 January 2022"), so the records' own dates need no check: no row lookup per candidate."""
    return (
        _tag_years(flt) is not None
        and (flt.date_from.month, flt.date_from.day) == (1, 1)
        and (flt.date_to is None or (flt.date_to.month, flt.date_to.day) == (12, 31))
    )


def _where(user, flt):
    """The conditions on the records table: what ``user`` may read, and an exact date range.

    Every other filter is a tag token of the index rows (see _tag_groups); checking it again would
    cost a row lookup (and for links an EXISTS on the link tables) for every candidate.
    """
    from engage.records.queries import conditions

    flt = replace(flt, q="", kind="", sensitivity="", place_id=None, topic_id=None, organisation_id=None)
    if _whole_years(flt):
        flt = replace(flt, date_from=None, date_to=None)
    return conditions(user, flt)


def matching_ids(user, flt):
    """Ids of the records ``user`` may read that match the search, best first (for exports)."""
    parsed = parse(flt.q)
    if not parsed.terms:
        return []
    return _candidates(engine(), parsed, user, flt)[0]


def _column_facets(kinds, levels, years):
    """The type, sensitivity and year facets from counts per value."""
    return {
        "kind": sorted(
            (FacetValue(RecordKind(k).value, RecordKind(k).label, n) for k, n in kinds.items()), key=lambda f: -f.count
        ),
        "sensitivity": [FacetValue(s.value, s.short_label, levels[s]) for s in Sensitivity if levels.get(s)],
        "year": [FacetValue(str(y), str(y), years[y]) for y in sorted(years, reverse=True)],
    }


_KIND_OF_TAG = {f"k{k.value.replace('_', '')}": k for k in RecordKind}
_SENSITIVITY_OF_TAG = {f"s{s.value}": s for s in Sensitivity}


@functools.cache
def _names_statement():
    """Topic, place and organisation names by id (bound lists "t", "p", "o"), built once: SQLAlchemy
    keeps a built statement's cache key, so each search skips building it."""
    from engage.reference.models import Place, Topic
    from engage.stakeholders.models import Organisation

    return union_all(
        *(
            select(literal(head).label("head"), model.id, model.name).where(
                model.id.in_(bindparam(head, expanding=True))
            )
            for head, model in (("t", Topic), ("p", Place), ("o", Organisation))
        )
    )


def _facets_from_tags(rows):
    """Facets counted from the candidates' tag tokens (SQLite): one pass in Python, no query.

    The tags hold exactly the values the facets count (see tags_for); only the names of the most
    frequent topics, places and organisations are then read, from their own small tables.
    """
    kinds, levels, years = {}, {}, {}
    links = {"t": {}, "p": {}, "o": {}}
    # Counted in C over all the tokens at once; then only the distinct tokens are looked at.
    for token, n in Counter(" ".join([tags or "" for _id, _rank, tags in rows]).split()).items():
        head = token[0]
        if head in links:
            links[head][int(token[1:])] = n
        elif head == "y":
            years[int(token[1:])] = n
        elif token in _KIND_OF_TAG:
            kinds[_KIND_OF_TAG[token]] = n
        elif token in _SENSITIVITY_OF_TAG:
            levels[_SENSITIVITY_OF_TAG[token]] = n
    facets = _column_facets(kinds, levels, years)
    names_of = {"t": {}, "p": {}, "o": {}}
    if any(links.values()):  # the names in one query
        for head, value, label in db.session.execute(_names_statement(), {h: list(ids) for h, ids in links.items()}):
            names_of[head][value] = label
    for name, head in (("topic", "t"), ("place", "p"), ("organisation", "o")):
        counts = links[head]
        ranked = sorted(((counts[i], label, i) for i, label in names_of[head].items()), key=lambda v: (-v[0], v[1]))
        facets[name] = [FacetValue(str(i), label, n) for n, label, i in ranked[:FACET_SIZE]]
    return facets, names_of


def _hit_records(ids, tags_of, names_of):
    """The records of a page of hits, by id: their columns in one query (the candidates carry
    only what ranking and facets need), their places and topics by name from the tags."""
    columns = (EngagementRecord.id, EngagementRecord.title, EngagementRecord.kind, EngagementRecord.sensitivity)
    rows = db.session.execute(select(*columns, EngagementRecord.happened_on).where(EngagementRecord.id.in_(ids)))
    records = {}
    for record_id, title, kind, sensitivity, happened_on in rows:
        linked = {"p": [], "t": []}
        for token in (tags_of[record_id] or "").split():
            if token[0] in linked:
                value = int(token[1:])
                if value in names_of[token[0]]:
                    linked[token[0]].append(Named(value, names_of[token[0]][value]))
        records[record_id] = HitRecord(
            id=record_id,
            title=title,
            kind=kind,
            sensitivity=sensitivity,
            happened_on=happened_on,
            places=sorted(linked["p"], key=lambda n: n.name),
            topics=sorted(linked["t"], key=lambda n: n.name),
        )
    return records


def search(user, flt, page=1, per_page=25):
    """Search the records ``user`` may read: one ranked page with snippets, the count and facets.

    :param flt: a RecordFilter; ``flt.q`` holds the words, the other fields narrow the results.
    """
    parsed = parse(flt.q)
    result = SearchResult(
        hits=[], page=page, per_page=per_page, total=0, total_capped=False, has_next=False, candidates=CANDIDATES
    )
    result.terms = parsed.terms
    if parsed.shortened:
        result.notices.append(
            f"Your search was shortened to its first {MAX_TERMS} words (at most {MAX_QUERY_CHARS} characters)."
        )
    if not parsed.terms:
        result.notices.append("Enter words to search for: letters or numbers.")
        return result
    eng = engine()
    ids, capped, rows = _candidates(eng, parsed, user, flt)
    result.total, result.total_capped = len(ids), capped
    if not ids:
        return result
    result.facets, names_of = _facets_from_tags(rows)
    start = (page - 1) * per_page
    page_ids = ids[start : start + per_page + 1]
    result.has_next = len(page_ids) > per_page
    page_ids = page_ids[:per_page]
    if not page_ids:
        return result
    page_set = set(page_ids)
    tags_of = {record_id: tags for record_id, _rank, tags in rows if record_id in page_set}
    records = _hit_records(page_ids, tags_of, names_of)
    snippets = eng.snippets(parsed, page_ids)
    for record_id in page_ids:
        record = records.get(record_id)
        if record is None:  # deleted since the candidates were read
            continue
        title, body = snippets.get(record_id, ("", ""))
        result.hits.append(Hit(record, mark(title) if title else Markup.escape(record.title), mark(body)))
    return result
