"""CPU and queries per request of the records search page, in process (steady under a busy machine).

Opens the generated records (bench/records_generator.py: the cached SQLite file, or
--database-url), signs in through the Flask test client and GETs /records/?q=... for the
scenarios of bench/records_search.py: typical and common-word queries, with and without filters.
For each scenario it reports the median and 95th percentile of the CPU time spent inside the
app's WSGI call (time.process_time, so other processes on the machine barely move it), the
number of SQL statements, and the wall time spent waiting on them, median and 95th percentile (on
PostgreSQL that is where the server's own work shows, since its CPU is not ours; a scenario
cycles through its queries, so the 95th percentile shows its slowest ones).

    .venv/bin/python bench/search_cpu.py                              # SQLite, 100 requests each
    .venv/bin/python bench/search_cpu.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_search
    .venv/bin/python bench/search_cpu.py --profile "common words"     # cProfile of one scenario
    .venv/bin/python bench/search_cpu.py --compare SNIPPET_WALK_PER_ID=-1   # A/B against a setting

--compare NAME=VALUE sets a constant of engage.search to VALUE for every other request, alternating
request by request in one process (so the machine's changing speed falls on both alike), and prints
each side's CPU time and the ratio: "as set" over "as shipped".
"""

import argparse
import cProfile
import itertools
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentiles, print_profile  # noqa: E402
from bench.records_generator import ensure  # noqa: E402
from bench.records_search import search_scenarios  # noqa: E402
from bench.survey_cpu import Meter  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_app(database_url):
    from config import DevelopmentConfig
    from engage import create_app

    config = type(
        "BenchSearchCPU",
        (DevelopmentConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-" + "k" * 40, "MAIL_BACKEND": "console"},
    )
    return create_app(config)


class SQLClock:
    """Wall time spent executing SQL statements during the last request."""

    def __init__(self, app):
        from sqlalchemy import event

        from engage.extensions import db

        self.seconds = 0.0
        self._started = 0.0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._before)
            event.listen(db.engine, "after_cursor_execute", self._after)

    def _before(self, *args):
        self._started = time.perf_counter()

    def _after(self, *args):
        self.seconds += time.perf_counter() - self._started


def signed_in_client(app, email):
    client = app.test_client()
    page = client.get("/account/sign-in").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = client.post(
        "/account/sign-in", data={"csrf_token": token, "email": email, "password": "engage-demo-password"}
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {email} answered {response.status_code}")
    return client


def measure(client, meter, clock, paths, count, profile=None):
    """GET the ``paths`` in turn ``count`` times; return (cpu ms, wall ms, statements, SQL ms) per request."""
    samples = []
    for path in itertools.islice(itertools.cycle(paths), count):
        clock.seconds = 0.0
        meter.profile = profile
        started = time.perf_counter()
        response = client.get(path)
        wall = time.perf_counter() - started
        meter.profile = None
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        samples.append((meter.cpu * 1000, wall * 1000, meter.queries, clock.seconds * 1000))
    return samples


def compare(client, meter, clock, scenarios, args):
    """Each scenario's requests, each sent as shipped and with the constant set, in alternating order."""
    from engage import search

    name, value = args.compare.split("=", 1)
    shipped, changed = getattr(search, name), type(getattr(search, name))(value)
    print(f"{name}: {shipped} as shipped, {changed} as set")
    print(f"{'scenario':30} {'CPU ms p50 as shipped':>22} {'as set':>7} {'ratio':>6}")
    for label, paths in scenarios.items():
        cpu = {shipped: [], changed: []}
        for _ in range(2):  # warm up both ways
            for setting in cpu:
                setattr(search, name, setting)
                measure(client, meter, clock, paths, len(paths))
        for i, path in zip(range(args.requests), itertools.cycle(paths)):
            for setting in (shipped, changed) if i % 2 else (changed, shipped):
                setattr(search, name, setting)
                cpu[setting].append(measure(client, meter, clock, [path], 1)[0][0])
        setattr(search, name, shipped)
        a, b = statistics.median(cpu[shipped]), statistics.median(cpu[changed])
        print(f"{label:30} {a:22.2f} {b:7.2f} {b / a:6.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database generated by bench/records_generator.py")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per scenario")
    parser.add_argument("--reviewer", action="store_true", help="search as the reviewer rather than the officer")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument("--profile", help="print a cProfile (CPU time) of this scenario")
    parser.add_argument("--callers", help="with --profile: also print the callers of functions matching this")
    parser.add_argument("--compare", metavar="NAME=VALUE", help="A/B: an engage.search constant set to VALUE")
    args = parser.parse_args()
    url = ensure(args.database_url, args.records)
    scenarios = search_scenarios(url)
    if args.profile:
        scenarios = {args.profile: scenarios[args.profile]}
    elif args.only:
        scenarios = {k: v for k, v in scenarios.items() if args.only in k}
    app = make_app(url)
    meter, clock = Meter(app), SQLClock(app)
    client = signed_in_client(app, "reviewer@example.org" if args.reviewer else "officer@example.org")
    if args.compare:
        compare(client, meter, clock, scenarios, args)
        return
    print(
        f"{'scenario':30} {'CPU ms p10':>10} {'p50':>7} {'p95':>7} {'wall p50':>9} {'p95':>7}"
        f" {'SQL ms p50':>10} {'p95':>6} {'stmts':>6}"
    )
    profile = None
    for label, paths in scenarios.items():
        measure(client, meter, clock, paths, len(paths))  # warm up: every query once
        profile = cProfile.Profile(time.process_time) if args.profile else None
        samples = measure(client, meter, clock, paths, args.requests, profile)
        cpu, wall = percentiles([s[0] for s in samples]), percentiles([s[1] for s in samples])
        sql = percentiles([s[3] for s in samples])
        statements = statistics.median(s[2] for s in samples)
        low = sorted(s[0] for s in samples)[len(samples) // 10]
        print(
            f"{label:30} {low:10.2f} {cpu['p50']:7.2f} {cpu['p95']:7.2f} {wall['p50']:9.2f} {wall['p95']:7.2f}"
            f" {sql['p50']:10.2f} {sql['p95']:6.2f} {statements:6.0f}"
        )
    if profile is not None:
        print_profile([profile], args.callers)


if __name__ == "__main__":
    main()
