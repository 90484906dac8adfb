"""Benchmark: deep pages of /api/v1/records by cursor, against an OFFSET baseline in the same run.

Uses the records of bench/records_generator.py (1,000,000 by default; cached after the first run).
For each depth (the position of the page's first record in the newest-first list) it times:

* cursor/api   GET /api/v1/records?limit=50&cursor=... through the whole app (in-process WSGI client,
               with an officer's token and a reviewer's, whose list carries the sensitivity rule);
* cursor/sql   the keyset query alone (what the API runs);
* offset/sql   the same ordered query with OFFSET: the baseline a page-number API would run.

It also walks the first 20 pages by following `next`, and reports the median of several runs.
Run on demand, not in the test suite:

    .venv/bin/python bench/api_pages.py                                   # SQLite, 1,000,000 records
    .venv/bin/python bench/api_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.records_generator import ensure  # noqa: E402

DEPTHS = (0, 10_000, 100_000, 500_000, 990_000)
LIMIT = 50
RUNS = 5


def _median_ms(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database (default: the cached SQLite file)")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    url = ensure(args.database_url, args.records)

    from sqlalchemy import func, select

    from config import DevelopmentConfig
    from engage import create_app
    from engage.accounts.models import TokenScope, User
    from engage.accounts.services import create_api_token
    from engage.api.core import after, encode_cursor
    from engage.dates import now_utc
    from engage.extensions import db
    from engage.permissions import Role
    from engage.records.models import EngagementRecord
    from engage.records.rules import visible_to

    config = type(
        "BenchApi",
        (DevelopmentConfig,),
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 40, "API_RATE_LIMIT": "1000000/minute"},
    )
    app = create_app(config)
    order = (EngagementRecord.happened_on.desc(), EngagementRecord.id.desc())
    key = (EngagementRecord.happened_on, EngagementRecord.id)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(EngagementRecord))
        tokens = {}
        for role in (Role.officer, Role.reviewer):
            user = db.session.scalar(select(User).where(User.role == role, User.is_active).limit(1))
            _token, secret = create_api_token(
                user, actor=user, name="bench", scope=TokenScope.read, expires_at=now_utc() + timedelta(hours=1)
            )
            tokens[role.value] = (user, secret)
        db.session.commit()
        print(f"{db.engine.dialect.name}: {total:,} records, limit={LIMIT}, median of {RUNS} runs (ms)")
        print(
            f"{'depth':>9} {'offset/sql':>11} {'cursor/sql':>11} {'cursor/api officer':>19} {'cursor/api reviewer':>20}"
        )
        client = app.test_client()
        for depth in DEPTHS:
            if depth >= total:
                continue
            # Where the page starts: the key of the record just before it (found once, not timed).
            cursor = None
            if depth:
                row = db.session.execute(select(*key).order_by(*order).offset(depth - 1).limit(1)).one()
                cursor = encode_cursor(list(row))
            base = select(EngagementRecord.id).order_by(*order)

            def offset_sql(depth=depth, base=base):
                db.session.execute(base.offset(depth).limit(LIMIT + 1)).all()

            def cursor_sql(row=row if depth else None, base=base):
                query = base.where(after(key, list(row), True)) if row is not None else base
                db.session.execute(query.limit(LIMIT + 1)).all()

            offset_ms = _median_ms(offset_sql)
            cursor_ms = _median_ms(cursor_sql)
            api_ms = {}
            for role, (_user, secret) in tokens.items():
                path = f"/api/v1/records?limit={LIMIT}" + (f"&cursor={cursor}" if cursor else "")

                def call(path=path, secret=secret):
                    response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
                    assert response.status_code == 200, response.get_data(as_text=True)[:300]

                api_ms[role] = _median_ms(call)
            print(
                f"{depth:>9,} {offset_ms:>11.1f} {cursor_ms:>11.1f} "
                f"{api_ms['officer']:>19.1f} {api_ms['reviewer']:>20.1f}"
            )

        # Walking by `next`, as a script would: 20 pages for a reviewer (the sensitivity rule applies).
        user, secret = tokens["reviewer"]
        path, times = f"/api/v1/records?limit={LIMIT}", []
        for _ in range(20):
            started = time.perf_counter()
            body = client.get(path, headers={"Authorization": f"Bearer {secret}"}).get_json()
            times.append((time.perf_counter() - started) * 1000)
            path = body["next"]
        print(f"walk of 20 pages by next (reviewer): median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
        # A filtered deep walk: kind=workshop, for a reviewer, 20 pages in.
        path = f"/api/v1/records?limit={LIMIT}&kind=workshop"
        for _ in range(20):
            body = client.get(path, headers={"Authorization": f"Bearer {secret}"}).get_json()
            path = body["next"]
        filtered_ms = _median_ms(lambda: client.get(path, headers={"Authorization": f"Bearer {secret}"}))
        print(f"kind=workshop, page 21 by cursor (reviewer): {filtered_ms:.1f} ms")
        visible = db.session.scalar(select(func.count()).select_from(EngagementRecord).where(visible_to(user)))
        print(f"(the reviewer may read {visible:,} of them)")
        # Remove the bench tokens again.
        from engage.accounts.models import ApiToken

        db.session.query(ApiToken).filter(ApiToken.name == "bench").delete()
        db.session.commit()


if __name__ == "__main__":
    main()
