"""The survey's pages at a large consultation's size, against the same pages with a handful of responses.

Builds the one-page, ten-question survey of bench/survey_responses.py (SQLite in a temporary folder,
or --database-url), times every page a resident or an officer opens for that consultation, then
adds --responses responses (default 100,000, with eleven answers each, answers and network hashes,
an email on two in three, spread over weeks) and --drafts drafts left unsent (default 30,000), and
times the same pages again. In process through the Flask test client: the median wall time inside
the app's WSGI call (bench/survey_cpu.py's Meter) of --repeats requests per page, and the ratio to
the small consultation's (the baseline, measured in the same run). SQLite without statistics (no
ANALYZE), as a new database is; PostgreSQL after VACUUM ANALYZE, as autovacuum leaves it.

A page that reads every response or answer of the consultation shows here as a ratio in the tens;
one that reads only an index stays near 1. The resident's journey should stay within 1.5x.

    .venv/bin/python bench/survey_scale.py
    .venv/bin/python bench/survey_scale.py --responses 20000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_scale
"""

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.survey_cpu import Meter, make_app, walk  # noqa: E402
from bench.survey_responses import SLUG, journey_steps, prepare  # noqa: E402

BATCH = 10_000
#: Most a journey step may slow down at the large size.
TARGET_JOURNEY_RATIO = 1.5


def officer_client(app):
    """A test client signed in as a new officer."""
    from engage.accounts.models import Role, User
    from engage.extensions import db
    from tests.auth import put_signed_in

    client = app.test_client()
    with app.app_context():
        user = User(email="scale-officer@example.org", name="Officer", role=Role.officer, password_hash="-")
        db.session.add(user)
        db.session.commit()
        with client.session_transaction() as session:
            put_signed_in(session, user)
    return client


def grow(app, meter, steps, responses, drafts):
    """Add ``responses`` copies of the newest response (with its answers) and ``drafts`` drafts."""
    from sqlalchemy import insert, select, text

    from engage.extensions import db
    from engage.responses.models import Answer, Response, ResponseDraft

    walk(app.test_client(), steps[:2], meter, {})  # a draft to copy
    with app.app_context():
        table = Response.__table__
        newest = dict(db.session.execute(table.select().order_by(table.c.id.desc()).limit(1)).mappings().one())
        first_id = newest["id"] + 1
        for start in range(0, responses, BATCH):
            rows = []
            for i in range(start, min(start + BATCH, responses)):
                rows.append(
                    {
                        **{k: v for k, v in newest.items() if k != "id"},
                        "reference": f"S{i:07d}",
                        "submission_key": f"scale-{i}",
                        "email": f"resident{i}@example.org" if i % 3 else "",
                        "answers_hash": secrets.token_hex(32),
                        "network_hash": secrets.token_hex(32) if i % 5 else "shared",
                        "submitted_at": newest["submitted_at"] - timedelta(minutes=(responses - i) // 10),
                    }
                )
            db.session.execute(insert(table), rows)
        db.session.execute(
            text(
                "INSERT INTO answers (response_id, question_id, identifying, option_id, text, number)"
                " SELECT r.id, a.question_id, a.identifying, a.option_id, a.text, a.number"
                " FROM responses r, answers a WHERE a.response_id = :newest AND r.id >= :first"
            ),
            {"newest": newest["id"], "first": first_id},
        )
        draft = db.session.scalars(select(ResponseDraft).order_by(ResponseDraft.id.desc())).first()
        columns = {c.key: getattr(draft, c.key) for c in ResponseDraft.__table__.columns if c.key not in ("id", "key")}
        columns["resume_token_hash"] = None
        for start in range(0, drafts, BATCH):
            count = min(BATCH, drafts - start)
            db.session.execute(
                insert(ResponseDraft), [{**columns, "key": secrets.token_urlsafe(24)} for _ in range(count)]
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does after so many inserts (PostgreSQL 13 on): statistics, and the
            # visibility map that lets a count read an index alone. SQLite has no such thing.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE responses, answers, response_drafts"))
        return (
            db.session.scalar(select(db.func.count()).select_from(Response)),
            db.session.scalar(select(db.func.count()).select_from(Answer)),
            db.session.scalar(select(db.func.count()).select_from(ResponseDraft)),
        )


def measure(app, meter, steps, officer, pages, repeats):
    """Median wall milliseconds of each journey step and each page, inside the app's WSGI call."""
    figures = {}
    samples = {}
    for _ in range(repeats):
        walk(app.test_client(), steps, meter, samples)
    for name, values in samples.items():
        figures[f"journey: {name}"] = statistics.median(wall for *_, wall in values) * 1000
    for label, (client, path) in pages.items():
        client = officer if client == "officer" else app.test_client()
        times = []
        for _ in range(repeats):
            response = client.get(path)
            times.append(meter.wall)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
        figures[label] = statistics.median(times) * 1000
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database to use (emptied first)")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--drafts", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{tmp.name}/scale.sqlite"
    answers = prepare(url)
    steps = journey_steps(answers)
    app = make_app(url)
    meter = Meter(app)
    with app.app_context():
        from engage.consultations.models import Consultation
        from engage.extensions import db

        consultation_id = db.session.scalar(db.select(Consultation.id).where(Consultation.slug == SLUG))
    manage = f"/consultations/manage/{consultation_id}"
    pages = {
        "public: consultations": ("resident", "/consultations/"),
        "public: consultation page": ("resident", f"/consultations/{SLUG}"),
        "public: published responses": ("resident", f"/consultations/{SLUG}/published-responses"),
        "officer: dashboard": ("officer", "/dashboard"),
        "officer: consultation": ("officer", manage),
        "officer: survey builder": ("officer", f"{manage}/survey"),
        "officer: responses": ("officer", f"{manage}/responses"),
        "officer: publication queue": ("officer", f"{manage}/responses/publication"),
        "officer: themes": ("officer", f"{manage}/responses/themes"),
        "officer: exports": ("officer", f"{manage}/exports"),
    }
    officer = officer_client(app)
    for _ in range(10):  # warm up
        walk(app.test_client(), steps, meter, {})
    small = measure(app, meter, steps, officer, pages, args.repeats)
    started = time.perf_counter()
    counts = grow(app, meter, steps, args.responses, args.drafts)
    seconds = time.perf_counter() - started
    print(f"grew to {counts[0]:,} responses, {counts[1]:,} answers, {counts[2]:,} drafts in {seconds:.0f} s")
    large = measure(app, meter, steps, officer, pages, args.repeats)
    engine = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"\nsurvey pages at scale, {engine}, medians of {args.repeats} requests (ms)")
    print(f"{'page':32} {'small':>8} {'large':>8} {'ratio':>6}")
    for label in small:
        print(f"{label:32} {small[label]:8.1f} {large[label]:8.1f} {large[label] / small[label]:6.1f}")
    worst = max((large[k] / small[k], k) for k in small if k.startswith("journey"))
    passed = worst[0] <= TARGET_JOURNEY_RATIO
    verdict = "PASS" if passed else "FAIL"
    print(f"{verdict} every journey step within {TARGET_JOURNEY_RATIO}x ({worst[1]}: {worst[0]:.1f}x)")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
