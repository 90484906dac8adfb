"""Export 1,000,000 synthetic responses of ten questions as CSV and XLSX: rows per second and peak memory.

Beside the floor, a bare csv.writer streaming the same rows (same columns, multiple choice spread
into one column per option) from one raw SQL cursor. Each export runs in its own process, which
reports its own peak resident memory (VmHWM from /proc: ru_maxrss of a child also counts the parent
it was forked from), so every figure includes Python and, for ours, the whole app.

Targets (issue 6): CSV at least half the floor's rows/s, XLSX at least 20,000 rows/s, peak memory
under 150 MB for both. The responses are generated once and cached in bench/.cache (SQLite) or, with
--database-url, kept in that PostgreSQL database with a marker row.

    .venv/bin/python bench/response_exports.py                 # 1,000,000 responses, SQLite
    .venv/bin/python bench/response_exports.py --responses 100000
    .venv/bin/python bench/response_exports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_exports
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path(__file__).resolve().parent / ".cache"
#: Bump when what is generated changes, so cached databases are rebuilt.
VERSION = 1
BATCH = 20_000
TARGET_CSV_RATIO = 0.5
TARGET_XLSX_ROWS_PER_S = 20_000
TARGET_PEAK_MB = 150

#: The ten questions: (kind, text, option labels).
QUESTIONS = [
    (
        "single_choice",
        "Which urgent treatment centre have you used most?",
        ["Maidstone", "Tunbridge Wells", "Sevenoaks", "None"],
    ),
    ("multiple_choice", "How do you usually travel there?", ["Bus", "Car", "Walk", "Taxi"]),
    (
        "likert",
        "The proposal would improve care for people like me",
        ["Strongly agree", "Agree", "Neither", "Disagree", "Strongly disagree"],
    ),
    ("rating", "How would you rate the service today?", []),
    ("yes_no", "Have you used the service in the last year?", []),
    ("number", "How many times?", []),
    ("date", "When did you last go?", []),
    ("postcode", "Your postcode", []),
    ("short_text", "In a few words, what matters most?", []),
    ("long_text", "Anything else you want to tell us?", []),
]
WORDS = (  # noqa: SIM905 (a word list reads best as text)
    "the bus to maidstone takes an hour and parking is hard for carers with children waiting times "
    "are long but the staff were kind and listened I could not get an appointment at my gp surgery "
    "the phone line was busy for days we need services closer to home and transport for older people "
    "=HYPERLINK @SUM +44 -minus"
).split()


def _text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _prepare(database_url):
    """Migrate an empty database; add a consultation with the ten-question survey. Returns ids."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from config import DevelopmentConfig
    from engage import create_app
    from engage.consultations.models import Consultation, ConsultationStage
    from engage.extensions import db
    from engage.surveys.models import Question, QuestionKind, QuestionOption, Survey, SurveyPage

    config = type("BenchLoad", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40})
    app = create_app(config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        now = datetime.now(UTC)
        consultation = Consultation(
            title="Urgent care in West Kent",
            slug="urgent-care-west-kent",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=1),
            stage=ConsultationStage.analysing,
        )
        survey = Survey(consultation=consultation)
        page = SurveyPage(survey=survey, position=1, title="Your views")
        db.session.add_all([consultation, survey, page])
        questions = []
        for position, (kind, wording, labels) in enumerate(QUESTIONS, start=1):
            question = Question(page=page, position=position, kind=QuestionKind(kind), text=wording)
            question.options = [QuestionOption(position=i, label=label) for i, label in enumerate(labels, start=1)]
            questions.append(question)
        db.session.add_all(questions)
        db.session.commit()
        ids = {
            "consultation": consultation.id,
            "questions": [(q.id, q.kind.value, [o.id for o in q.options]) for q in questions],
        }
        db.engine.dispose()
    return ids


def _generate(rng, ids, count):
    """Yield (responses, answers) batches of plain tuples (naive UTC datetimes as text)."""
    start = datetime(2026, 3, 1, 8, 0)
    answer_id = 0
    channels = ["online"] * 8 + ["post", "email", "event"]
    for first in range(1, count + 1, BATCH):
        responses, answers = [], []
        for rid in range(first, min(first + BATCH, count + 1)):
            organisation = rng.random() < 0.1
            responses.append(
                (
                    rid,
                    ids["consultation"],
                    f"R{rid:09d}",
                    rng.choice(channels),
                    "organisation" if organisation else "individual",
                    _text(rng, 3) if organisation else "",
                    _text(rng, 2),
                    f"resident{rid}@example.org" if rng.random() < 0.6 else "",
                    rng.choice(("anonymous", "named", "no")),
                    1,
                    (start + timedelta(seconds=rid * 7)).isoformat(" "),
                    None,
                    rng.random() < 0.02,
                    "",
                    "",
                    "",
                )
            )
            for qid, kind, options in ids["questions"]:
                picked = []
                if kind in ("single_choice", "likert"):
                    picked = [(rng.choice(options), "", None)]
                elif kind == "multiple_choice":
                    picked = [(o, "", None) for o in rng.sample(options, rng.choice((1, 2, 2, 3)))]
                elif kind == "rating":
                    picked = [(None, "", rng.randint(1, 5))]
                elif kind == "number":
                    picked = [(None, "", rng.randint(0, 40))]
                elif kind == "yes_no":
                    picked = [(None, rng.choice(("yes", "no")), None)]
                elif kind == "date":
                    picked = [
                        (None, (datetime(2025, 1, 1) + timedelta(days=rng.randint(0, 400))).date().isoformat(), None)
                    ]
                elif kind == "postcode":
                    picked = [
                        (None, f"ME{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}X", None)
                    ]
                elif kind == "short_text":
                    picked = [(None, _text(rng, 5), None)]
                else:
                    picked = [(None, _text(rng, 35), None)]
                for option_id, text_value, number in picked:
                    answer_id += 1
                    answers.append((answer_id, rid, qid, option_id, text_value, number, False))
        yield responses, answers


RESPONSE_COLUMNS = (
    "id, consultation_id, reference, channel, respondent_type, organisation_name, name, email, publish_consent,"
    " privacy_version, submitted_at, submission_key, flagged, flag_reason, network_hash, answers_hash"
)
ANSWER_COLUMNS = "id, response_id, question_id, option_id, text, number, identifying"


def load(database_url, count, seed=20261123):
    ids = _prepare(database_url)
    rng = random.Random(seed)
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.split("///", 1)[1])
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-200000")
        for responses, answers in _generate(rng, ids, count):
            conn.executemany(
                f"INSERT INTO responses ({RESPONSE_COLUMNS}) VALUES ({', '.join('?' * 16)})",  # noqa: S608
                responses,
            )
            conn.executemany(f"INSERT INTO answers ({ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", answers)  # noqa: S608
            conn.commit()
        conn.execute("ANALYZE")
        conn.execute("CREATE TABLE bench_meta (version INTEGER, responses INTEGER, consultation_id INTEGER)")
        conn.execute("INSERT INTO bench_meta VALUES (?, ?, ?)", (VERSION, count, ids["consultation"]))
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        cursor = conn.connection.cursor()
        for responses, answers in _generate(rng, ids, count):
            with cursor.copy(f"COPY responses ({RESPONSE_COLUMNS}) FROM STDIN") as copy:
                for row in responses:
                    copy.write_row((*row[:10], row[10] + "+00", *row[11:]))
            with cursor.copy(f"COPY answers ({ANSWER_COLUMNS}) FROM STDIN") as copy:
                for row in answers:
                    copy.write_row(row)
        conn.execute(text("SELECT setval('responses_id_seq', (SELECT max(id) FROM responses))"))
        conn.execute(text("SELECT setval('answers_id_seq', (SELECT max(id) FROM answers))"))
        conn.execute(text("CREATE TABLE bench_meta (version INTEGER, responses INTEGER, consultation_id INTEGER)"))
        conn.execute(
            text("INSERT INTO bench_meta VALUES (:v, :n, :c)"), {"v": VERSION, "n": count, "c": ids["consultation"]}
        )
    with engine.connect() as conn:
        conn.connection.autocommit = True
        conn.connection.cursor().execute("VACUUM ANALYZE")
    engine.dispose()


def _cached(database_url, count):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version, responses, consultation_id FROM bench_meta")).first()
            return row[2] if row is not None and tuple(row[:2]) == (VERSION, count) else None
    except Exception:  # noqa: BLE001 (no database, no table: not cached)
        return None
    finally:
        engine.dispose()


def ensure(database_url=None, count=1_000_000):
    """Return (database URL, consultation id) holding ``count`` responses, generating them if not cached."""
    if database_url is None:
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"response-exports-{count}.sqlite"
        database_url = f"sqlite:///{path}"
    consultation_id = _cached(database_url, count)
    if consultation_id is not None:
        print(f"using cached {count:,} responses ({database_url.split(':')[0]})", flush=True)
        return database_url, consultation_id
    started = time.perf_counter()
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    load(database_url, count)
    print(f"generated {count:,} responses of ten questions in {time.perf_counter() - started:.0f} s", flush=True)
    return database_url, _cached(database_url, count)


# --- The measured runs, each in a child process ------------------------------------------------------


def child_floor(database_url, consultation_id, out):
    """A bare streamed csv.writer over one raw cursor: the same rows, no app, no safety, no types."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    raw = engine.raw_connection()
    questions = raw.cursor()
    questions.execute(
        "SELECT q.id, q.kind FROM survey_questions q JOIN survey_pages p ON p.id = q.page_id"  # noqa: S608
        f" JOIN surveys s ON s.id = p.survey_id WHERE s.consultation_id = {int(consultation_id)}"  # noqa: S608
        " ORDER BY p.position, q.position"
    )
    columns, header = {}, ["Reference", "Submitted", "Channel", "Type", "Organisation", "Consent", "Flagged", "Reason"]
    multi = {}
    for qid, kind in questions.fetchall():
        if kind == "multiple_choice":
            options = raw.cursor()
            options.execute(f"SELECT id FROM survey_question_options WHERE question_id = {int(qid)} ORDER BY position")  # noqa: S608
            for (oid,) in options.fetchall():
                multi[oid] = len(header)
                header.append(f"{qid}:{oid}")
        else:
            columns[qid] = len(header)
            header.append(str(qid))
    width = len(header)
    cursor = raw.cursor(name="floor") if engine.dialect.name == "postgresql" else raw.cursor()
    started = time.perf_counter()
    cursor.execute(
        "SELECT r.id, r.reference, r.submitted_at, r.channel, r.respondent_type, r.organisation_name,"  # noqa: S608
        " r.publish_consent, r.flagged, r.flag_reason, a.question_id, a.option_id, a.text, a.number"
        " FROM responses r LEFT JOIN answers a ON a.response_id = r.id"
        f" WHERE r.consultation_id = {int(consultation_id)} ORDER BY r.id"  # noqa: S608
    )
    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        current, row = None, None
        while batch := cursor.fetchmany(10_000):
            for rid, ref, at, channel, rtype, org, consent, flagged, reason, qid, oid, text_value, number in batch:
                if rid != current:
                    if row is not None:
                        writer.writerow(row)
                        rows += 1
                    current = rid
                    row = [ref, at, channel, rtype, org, consent, flagged, reason] + [None] * (width - 8)
                if oid in multi:
                    row[multi[oid]] = 1
                elif qid is not None:
                    row[columns[qid]] = oid if oid is not None else (number if number is not None else text_value)
        if row is not None:
            writer.writerow(row)
            rows += 1
    return rows, time.perf_counter() - started


def child_export(database_url, consultation_id, fmt, out):
    """Our export exactly as a background job runs it: rows, file, progress commits, copy into storage."""
    os.environ.update({"DATABASE_URL": database_url, "SECRET_KEY": "bench-" + "k" * 40, "ATTACHMENTS_DIR": out})
    from config import DevelopmentConfig
    from engage import create_app
    from engage.extensions import db
    from engage.responses import exports
    from engage.responses.export_models import ExportJob, ExportStatus

    config = type(
        "BenchExport",
        (DevelopmentConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 40, "ATTACHMENTS_DIR": out},
    )
    app = create_app(config)
    with app.app_context():
        from engage.consultations.models import Consultation

        consultation = db.session.get(Consultation, consultation_id)
        job = exports.create_job(consultation, actor=None, fmt=fmt, include_equality=False)
        db.session.commit()
        job_id = job.id
        db.session.remove()
        started = time.perf_counter()
        exports.run_job(job_id)
        seconds = time.perf_counter() - started
        job = db.session.get(ExportJob, job_id)
        assert job.status == ExportStatus.done, job.error
        rows = job.rows_done
        size = (Path(out) / job.storage_key).stat().st_size
        # Leave the bench database as it was.
        (Path(out) / job.storage_key).unlink()
        db.session.delete(job)
        db.session.commit()
    return rows, seconds, size


def peak_memory_mb():
    """This process's peak resident memory since exec (VmHWM; ru_maxrss would count the forked parent too)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(mode, database_url, consultation_id):
    """Run one export in a child process; return its figures and its peak resident memory (MB)."""
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        out = os.path.join(folder, "floor.csv") if mode == "floor" else folder
        command = [sys.executable, __file__, "--child", mode, "--database-url", database_url, "--out", out]
        command += ["--consultation", str(consultation_id)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        output = process.stdout.read()
        _pid, status, _usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"{mode} export failed ({process.returncode})")
        figures = json.loads(output.strip().splitlines()[-1])
        if mode == "floor":
            figures["size"] = os.path.getsize(out)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database to fill and use (default: cached SQLite)")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--child", choices=("floor", "csv", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--consultation", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "floor":
            rows, seconds = child_floor(args.database_url, args.consultation, args.out)
            size = None
        else:
            rows, seconds, size = child_export(args.database_url, args.consultation, args.child, args.out)
        print(json.dumps({"rows": rows, "seconds": seconds, "size": size, "peak_mb": peak_memory_mb()}))
        return 0

    database_url, consultation_id = ensure(args.database_url, args.responses)
    results = {}
    for mode in ("floor", "csv", "xlsx"):
        figures = run_child(mode, database_url, consultation_id)
        figures["rate"] = figures["rows"] / figures["seconds"]
        results[mode] = figures
        print(
            f"{mode:>5}: {figures['rows']:,} rows in {figures['seconds']:.1f} s = {figures['rate']:,.0f} rows/s,"
            f" peak memory {figures['peak_mb']:.0f} MB, file {figures['size'] / 1e6:.0f} MB",
            flush=True,
        )
    floor, ours_csv, ours_xlsx = results["floor"], results["csv"], results["xlsx"]
    checks = [
        (
            f"CSV rows/s >= {TARGET_CSV_RATIO} x floor ({ours_csv['rate'] / floor['rate']:.2f} x)",
            ours_csv["rate"] >= TARGET_CSV_RATIO * floor["rate"],
        ),
        (
            f"XLSX rows/s >= {TARGET_XLSX_ROWS_PER_S:,} ({ours_xlsx['rate']:,.0f})",
            ours_xlsx["rate"] >= TARGET_XLSX_ROWS_PER_S,
        ),
        (f"CSV peak memory < {TARGET_PEAK_MB} MB ({ours_csv['peak_mb']:.0f} MB)", ours_csv["peak_mb"] < TARGET_PEAK_MB),
        (
            f"XLSX peak memory < {TARGET_PEAK_MB} MB ({ours_xlsx['peak_mb']:.0f} MB)",
            ours_xlsx["peak_mb"] < TARGET_PEAK_MB,
        ),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'} {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
