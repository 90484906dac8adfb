"""Generate up to 1,000,000 realistic synthetic engagement records quickly, with their search index.

Words come from the Kent and Medway source documents in /work/shared/seeds (if present) plus a
health and engagement vocabulary, drawn with a Zipf-like distribution so that a few words ("the",
"people", "said") are in most records and most words are rare, as in real text. Each record gets
places, topics, organisations and sometimes quotes; 5 % are restricted; about 1 % hold an
identifying passage in [[brackets]]. Dates run from 2019 to 2026, newer ids being later.

The result is cached under bench/.cache (a SQLite file) or, for PostgreSQL, kept in the database
with a marker row, so reruns start at once.

    .venv/bin/python bench/records_generator.py --records 1000000
    .venv/bin/python bench/records_generator.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_search
"""

import argparse
import io
import random
import re
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path(__file__).resolve().parent / ".cache"
SEEDS = Path("/work/shared/seeds")
#: Bump when what is generated changes, so cached databases are rebuilt (per engine).
VERSION = {"sqlite": 3, "postgresql": 6}
BATCH = 20_000
#: Distinct word forms drawn from: seed and domain words, then synthetic pronounceable words.
VOCABULARY_SIZE = 60_000
#: Zipf–Mandelbrot: the word of rank r has weight 1 / (r + SHIFT).
SHIFT = 2.7

COMMON = (  # noqa: SIM905 (a word list reads best as text)
    "the and to of a in that people said was for it they is with care we on about their have be at not "
    "this were there from as would more when what by are our had some one all can could like been need "
).split()
DOMAIN = (  # noqa: SIM905 (a word list reads best as text)
    "carers transport appointment appointments gp surgery pharmacy hospital discharge waiting times "
    "mental health wellbeing loneliness isolation frailty dementia diabetes housing damp cost living "
    "food bank bus parking referral referrals nurse midwife maternity children young families school "
    "interpreter language deaf blind wheelchair access digital online phone receptionist prescription "
    "prescriptions dentist dental social home visit community centre volunteers befriending "
    "neighbourhood pcn practice clinic outpatient a&e urgent ambulance 111 waiting list respite advocacy "
    "healthwatch council library faith mosque church gurdwara travellers refugees asylum veterans "
    "homeless rough sleeping substance alcohol smoking vaping weight exercise walking screening "
    "vaccination flu covid booster cancer stroke heart blood pressure pain physiotherapy continuity "
    "named contact story repeat five times trust listened heard kindness respect dignity "
).split()
#: PostgreSQL's English stop words: never in a tsvector, so no use in a "typical" query.
STOP_WORDS = frozenset(
    (  # noqa: SIM905 (a word list reads best as text)
        "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her "
        "hers herself it its itself they them their theirs themselves what which who whom this that these "
        "those am is are was were be been being have has had having do does did doing a an the and but if or "
        "because as until while of at by for with about against between into through during before after "
        "above below to from up down in out on off over under again further then once here there when where "
        "why how all any both each few more most other some such no nor not only own same so than too very s "
        "t can will just don should now "
    ).split()
)
_ONSETS = "b c d f g h j k l m n p r s t v w y br cl dr fl gr pl st tr ch sh th sp cr".split()  # noqa: SIM905
_VOWELS = "a e i o u a e i o ai ea oo ou ie".split()  # noqa: SIM905
_CODAS = ["", "", "", "n", "r", "l", "s", "t", "nd", "st", "m", "ck", "ng", "rd", "sh"]


def _synthetic(rng, seen, count):
    """``count`` new pronounceable words of 2 or 3 syllables (``rng`` seeded: the same every run)."""
    words = []
    while len(words) < count:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 2, 3))))
        word += rng.choice(_CODAS)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def vocabulary():
    """Words ranked most to least frequent: function words, domain words, the seed texts' words in
    the order met, then synthetic words up to VOCABULARY_SIZE (the long tail of real text)."""
    words = list(COMMON) + list(DOMAIN)
    seen = set(words)
    if SEEDS.exists():
        for path in sorted(SEEDS.glob("*.txt")):
            for word in re.findall(r"[a-z][a-z'-]{2,}", path.read_text(errors="ignore").lower()):
                if word not in seen:
                    seen.add(word)
                    words.append(word)
    return words + _synthetic(random.Random(7), seen, VOCABULARY_SIZE - len(words))


def document_frequency(rank, words_per_record=55):
    """The expected share of records holding the word of ``rank`` (a record has ~55 words)."""
    total = sum(1.0 / (r + SHIFT) for r in range(VOCABULARY_SIZE))
    return 1.0 - (1.0 - 1.0 / ((rank + SHIFT) * total)) ** words_per_record


def query_sets():
    """``(typical, common)`` queries chosen from the frequency ranks.

    Typical: pairs of ordinary words of ranks 80-400 (each in about 1-7 % of records, a pair in
    about 0.01-0.5 %). Common: the most frequent words ("the", "and", "people", "care"), which
    match most records. Stop words, short words and words with punctuation are left out.
    """
    words = vocabulary()
    rng = random.Random(11)
    middle = [w for w in words[80:400] if w.isalpha() and len(w) > 2 and w not in STOP_WORDS]
    rng.shuffle(middle)
    typical = [f"{middle[2 * i]} {middle[2 * i + 1]}" for i in range(16)]
    common = ["the people", "people said the", "care people need", "and the", "we heard people said", "the care"]
    return typical, common


class TextMaker:
    """Draws words with weight 1 / (rank + SHIFT) (Zipf–Mandelbrot), fast via cumulative weights."""

    def __init__(self, rng):
        self.rng = rng
        self.words = vocabulary()
        weights, total = [], 0.0
        for rank in range(len(self.words)):
            total += 1.0 / (rank + SHIFT)
            weights.append(total)
        self.cum = weights
        self.domain = DOMAIN

    def words_(self, n):
        return self.rng.choices(self.words, cum_weights=self.cum, k=n)

    def sentence(self, n):
        words = self.words_(n)
        return " ".join(words).capitalize() + "."

    def title(self):
        a, b = self.rng.sample(self.domain, 2)
        kind = self.rng.choice(["workshop", "drop-in", "meeting", "listening event", "survey", "focus group"])
        return f"{a.capitalize()} {kind} on {b}"

    def body(self):
        sentences = [self.sentence(self.rng.randint(6, 14)) for _ in range(self.rng.randint(3, 6))]
        if self.rng.random() < 0.01:
            sentences.insert(1, "[[Mrs Example of 4 Sample Street]] told us her story.")
        return " ".join(sentences)

    def outcomes(self):
        return self.sentence(self.rng.randint(6, 12)) if self.rng.random() < 0.5 else ""


def _records(rng, maker, count, first_id, refs):
    """Yield batches of (records, links, quotes) rows, ``BATCH`` records at a time."""
    kinds = ["meeting", "workshop", "focus_group", "outreach", "drop_in", "survey", "public_event", "one_to_one",
             "correspondence", "social_media"]  # fmt: skip
    start, span = date(2019, 1, 1), (date(2026, 11, 1) - date(2019, 1, 1)).days
    now = datetime(2026, 11, 22, 12, 0)
    for batch_start in range(0, count, BATCH):
        records, places, topics, orgs, quotes = [], [], [], [], []
        for i in range(batch_start, min(batch_start + BATCH, count)):
            rid = first_id + i
            roll = rng.random()
            sensitivity = "restricted" if roll < 0.05 else "public" if roll < 0.35 else "partners"
            happened = start + timedelta(days=int(span * i / count) + rng.randint(-20, 0))
            records.append(
                (rid, maker.title(), rng.choice(kinds), happened, rng.randint(0, 80), maker.body(), sensitivity,
                 refs["author"], now, now, maker.outcomes())
            )  # fmt: skip
            for pid in rng.sample(refs["places"], rng.randint(1, 2)):
                places.append((rid, pid))
            for tid in rng.sample(refs["topics"], rng.randint(1, 2)):
                topics.append((rid, tid))
            if refs["organisations"] and rng.random() < 0.6:
                orgs.append((rid, rng.choice(refs["organisations"])))
            if rng.random() < 0.3:
                for _ in range(rng.randint(1, 2)):
                    quotes.append((rid, maker.sentence(rng.randint(8, 16))))
        yield records, places, topics, orgs, quotes


def _documents(records, quotes, links=None):
    """Index rows made by the app's own engage.search.document_for (and tags_for, given the links)."""
    from engage.search import document_for, tags_for

    by_record = {}
    for rid, text in quotes:
        by_record.setdefault(rid, []).append(SimpleNamespace(text=text))
    for r in records:
        record = SimpleNamespace(
            title=r[1], what_we_heard=r[5], outcomes=r[10], quotes=by_record.get(r[0], []), actions=[], attachments=[]
        )
        row = (r[0], *document_for(record))
        if links is not None:
            places, topics, orgs = (links[name].get(r[0], ()) for name in ("places", "topics", "orgs"))
            row += (tags_for(r[2], r[6], r[3], places, topics, orgs),)
        yield row


def _by_record(pairs):
    grouped = {}
    for rid, other in pairs:
        grouped.setdefault(rid, []).append(other)
    return grouped


def _prepare(database_url):
    """Migrate an empty database and load the demo content; return the ids the records refer to."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from config import DevelopmentConfig
    from engage import create_app
    from engage.accounts.models import User
    from engage.demo import load_demo
    from engage.extensions import db
    from engage.records.models import EngagementRecord
    from engage.reference.models import Place, Topic
    from engage.stakeholders.models import Organisation

    config = type("BenchLoad", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40})
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        load_demo()
        db.session.commit()
        refs = {
            "places": list(db.session.scalars(select(Place.id))),
            "topics": list(db.session.scalars(select(Topic.id))),
            "organisations": list(db.session.scalars(select(Organisation.id))),
            "author": db.session.scalar(select(User.id).where(User.email == "officer@example.org")),
            "first_id": (db.session.scalar(select(func.max(EngagementRecord.id))) or 0) + 1,
        }
        db.engine.dispose()
    return refs


def load_sqlite(path, count, seed=20261123):
    """Build the SQLite file at ``path`` (raw sqlite3 for speed), then merge the FTS5 index."""
    import sqlite3

    refs = _prepare(f"sqlite:///{path}")
    rng = random.Random(seed)
    maker = TextMaker(rng)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-200000")
    for records, places, topics, orgs, quotes in _records(rng, maker, count, refs["first_id"], refs):
        conn.executemany(
            "INSERT INTO engagement_records (id, title, kind, happened_on, residents_reached, what_we_heard,"
            " sensitivity, author_id, created_at, updated_at, outcomes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*r[:3], r[3].isoformat(), *r[4:8], r[8].isoformat(" "), r[9].isoformat(" "), r[10]) for r in records],
        )
        conn.executemany("INSERT INTO record_places (record_id, place_id) VALUES (?, ?)", places)
        conn.executemany("INSERT INTO record_topics (record_id, topic_id) VALUES (?, ?)", topics)
        conn.executemany("INSERT INTO record_organisations (record_id, organisation_id) VALUES (?, ?)", orgs)
        conn.executemany("INSERT INTO record_quotes (record_id, text) VALUES (?, ?)", quotes)
        links = {"places": _by_record(places), "topics": _by_record(topics), "orgs": _by_record(orgs)}
        conn.executemany(
            "INSERT INTO record_search (rowid, title, body, tags) VALUES (?, ?, ?, ?)",
            _documents(records, quotes, links),
        )
        conn.commit()
    conn.execute("INSERT INTO record_search (record_search) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("CREATE TABLE bench_meta (version INTEGER, records INTEGER)")
    conn.execute("INSERT INTO bench_meta VALUES (?, ?)", (VERSION["sqlite"], count))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_pg_text(v) for v in row))
        buffer.write("\n")
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _pg_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat(" ") + "+00"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def load_postgresql(database_url, count, seed=20261123):
    """Fill the PostgreSQL database by COPY, with the GIN indexes built once at the end."""
    import psycopg

    from engage.search import PG_RECENT

    refs = _prepare(database_url)
    rng = random.Random(seed)
    maker = TextMaker(rng)
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DROP INDEX ix_record_search_document")
        for records, places, topics, orgs, quotes in _records(rng, maker, count, refs["first_id"], refs):
            _copy(cur, "engagement_records", ["id", "title", "kind", "happened_on", "residents_reached",
                  "what_we_heard", "sensitivity", "author_id", "created_at", "updated_at", "outcomes"],
                  records)  # fmt: skip
            _copy(cur, "record_places", ["record_id", "place_id"], places)
            _copy(cur, "record_topics", ["record_id", "topic_id"], topics)
            _copy(cur, "record_organisations", ["record_id", "organisation_id"], orgs)
            _copy(cur, "record_quotes", ["record_id", "text"], quotes)
            links = {"places": _by_record(places), "topics": _by_record(topics), "orgs": _by_record(orgs)}
            _copy(cur, "record_search", ["record_id", "title", "body", "tags"], _documents(records, quotes, links))
            conn.commit()
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('engagement_records', 'id'), max(id)) FROM engagement_records"
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('record_quotes', 'id'), max(id)) FROM record_quotes")
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("CREATE INDEX ix_record_search_document ON record_search USING gin (document)")
        # The newest rows again, as engage.search._write_recent keeps them (index built after).
        cur.execute("DROP INDEX ix_record_search_recent_document")
        cur.execute(
            "INSERT INTO record_search_recent (record_id, title, body, tags) SELECT record_id, title, body, tags"
            " FROM record_search WHERE record_id > (SELECT max(record_id) FROM record_search) - %s",
            (PG_RECENT,),
        )
        cur.execute("CREATE INDEX ix_record_search_recent_document ON record_search_recent USING gin (document)")
        cur.execute("CREATE TABLE bench_meta (version integer, records integer)")
        cur.execute("INSERT INTO bench_meta VALUES (%s, %s)", (VERSION["postgresql"], count))
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")


def _cached(database_url, count):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version, records FROM bench_meta")).first()
            return row is not None and tuple(row) == (VERSION[engine.dialect.name], count)
    except Exception:  # noqa: BLE001 (no database, no table: not cached)
        return False
    finally:
        engine.dispose()


def ensure(database_url=None, count=1_000_000):
    """Return a database URL holding ``count`` generated records, generating them only if not cached."""
    if database_url is None:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"records-{count}.sqlite"
        database_url = f"sqlite:///{path}"
    if _cached(database_url, count):
        print(f"using cached {count:,} records ({database_url.split(':')[0]})", flush=True)
        return database_url
    started = time.perf_counter()
    if database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        load_sqlite(path, count)
    else:
        load_postgresql(database_url, count)
    print(f"generated {count:,} records in {time.perf_counter() - started:.0f} s", flush=True)
    return database_url


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database to fill (default: a cached SQLite file)")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    print(ensure(args.database_url, args.records))


if __name__ == "__main__":
    main()
