"""Benchmark: the records search page with 1,000,000 engagement records, through the real server.

Serves the real app under gunicorn, signs in, and times GET /records/?q=... (ranked hits, snippets,
counts and facets: the page always computes facets) for typical two-word queries and for queries
of very common words (both chosen from the generator's frequency ranks, see query_sets; the run
prints how many records each set matches on average), with and without filters, then the requests
per second at 16 clients. Each scenario is warmed up first (every query four times, so both workers'
per-process caches hold it), and the whole round is repeated (--repeats, floor and app alternating,
medians quoted: this machine varies by 15-30 % from run to run). In the same run it serves
bench/search_floor.py, a bare WSGI app running only the raw full-text query, and measures it the
same way: the floor. Finally it times POST /records/new (logging a record, which rewrites its index
row in the same transaction) with the index at full size.

Targets (the issue): single-client p95 < 25 ms on SQLite and < 50 ms on PostgreSQL for every
search scenario; at 16 clients, search rps >= half the floor's rps; logging a record p95 < 50 ms.

    .venv/bin/python bench/records_search.py                 # SQLite, cached under bench/.cache
    .venv/bin/python bench/records_search.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_search
"""

import argparse
import itertools
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Client, Server, percentiles  # noqa: E402
from bench.records_generator import ensure, query_sets  # noqa: E402

#: Typical: two ordinary words of mid frequency; common: the most frequent words (see query_sets).
TYPICAL, COMMON = query_sets()
TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


def _paths(queries, **filters):
    return [f"/records/?{urlencode({'q': q, **filters})}" for q in queries]


def time_paths(client, paths, count):
    """GET the ``paths`` in turn ``count`` times; return latencies in ms (fails loudly on a non-200)."""
    samples = []
    for path in itertools.islice(itertools.cycle(paths), count):
        start = time.perf_counter()
        status, body = client.request("GET", path)
        samples.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
    return samples


def throughput(port, paths, clients, seconds, email=None):
    """Requests per second with ``clients`` threads, each a keep-alive client, for ``seconds``."""
    done, stop, errors = [0] * clients, threading.Event(), []
    ready = threading.Barrier(clients + 1)

    def run(n):
        client = Client(port)
        if email:
            client.sign_in(email)  # argon2 on purpose: slow, so every client signs in before timing starts
        client.request("GET", paths[0])
        ready.wait()
        for path in itertools.cycle(paths[n % len(paths) :] + paths[: n % len(paths)]):
            if stop.is_set():
                return
            status, _ = client.request("GET", path)
            if status != 200:
                errors.append(status)
                return
            done[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    before, started = sum(done), time.perf_counter()
    time.sleep(seconds)
    rate = (sum(done) - before) / (time.perf_counter() - started)
    stop.set()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"errors under load: {errors[:5]}")
    return rate


def time_logging(client, count):
    """POST /records/new ``count`` times (CSRF token from the form); latencies in ms."""
    status, page = client.request("GET", "/records/new")
    token = TOKEN.search(page).group(1).decode()
    samples = []
    for i in range(count):
        data = {
            "csrf_token": token, "title": f"Bench drop-in {i} on carers transport", "kind": "drop_in",
            "happened_on": "2026-11-01", "residents_reached": "12", "sensitivity": "partners",
            "what_we_heard": "People said the bus to the surgery is the hardest part. " * 5,
            "quotes": "I wait an hour for the bus.\n\nThe receptionist was kind.",
        }  # fmt: skip
        start = time.perf_counter()
        status, _ = client.request("POST", "/records/new", data)
        samples.append((time.perf_counter() - start) * 1000)
        if status != 302:
            raise RuntimeError(f"POST /records/new answered {status}")
    return samples


def _filter_ids(url):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        topic = conn.execute(text("SELECT id FROM topics ORDER BY id LIMIT 1")).scalar()
        place = conn.execute(text("SELECT id FROM places WHERE name = 'West Kent'")).scalar()
    engine.dispose()
    return topic, place


def search_scenarios(url):
    """The search page's paths per scenario: typical and common words, without and with filters."""
    topic, place = _filter_ids(url)
    return {
        "typical 2 words": _paths(TYPICAL),
        "typical + type + topic": _paths(TYPICAL, kind="workshop", topic=topic),
        "typical + place + dates": _paths(TYPICAL, place=place, date_from="2024-01-01", date_to="2025-12-31"),
        "common words": _paths(COMMON),
        "common + type + topic": _paths(COMMON, kind="workshop", topic=topic),
        "common + sensitivity + dates": _paths(COMMON, sensitivity="public", date_from="2022-01-01"),
    }


def average_matches(url, queries):
    """How many records the queries match on average, counted by the full-text index itself."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        sql = "SELECT count(*) FROM record_search WHERE record_search MATCH :q"
        params = [{"q": " ".join(f'"{w}"' for w in q.split())} for q in queries]
    else:
        sql = "SELECT count(*) FROM record_search WHERE document @@ plainto_tsquery('english', :q)"
        params = [{"q": q} for q in queries]
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM engagement_records")).scalar()
        counts = [conn.execute(text(sql), p).scalar() for p in params]
    engine.dispose()
    return sum(counts) / len(counts), total


#: The floor's scenarios: the raw full-text query for typical and for common words.
FLOOR_SCENARIOS = (("floor: typical", TYPICAL), ("floor: common words", COMMON))


def warm(client, paths):
    """Send every path four times, so each of the two workers has very likely seen each query: the
    per-process caches (compiled statements, a word's share of records) are then as in a server
    that has been up for a while, and the timed requests measure the steady state."""
    time_paths(client, paths, 4 * len(paths))


def single_and_many(port, scenarios, many, args, email=None):
    """One round: each scenario's single-client latencies, then ``many``'s rate at args.clients (if given)."""
    client = Client(port)
    if email:
        client.sign_in(email)
    latencies = {}
    for label, paths in scenarios.items():
        warm(client, paths)
        latencies[label] = percentiles(time_paths(client, paths, args.requests))
    rps = {many: throughput(port, scenarios[many], args.clients, args.seconds, email)} if many else {}
    return {"latency": latencies, "rps": rps}


def app_round(port, scenarios, args):
    """One round against the app: every scenario as the officer, the unfiltered ones as the reviewer,
    both rates at args.clients, and logging a record."""
    result = single_and_many(port, scenarios, "typical 2 words", args, "officer@example.org")
    unfiltered = {label: paths for label, paths in scenarios.items() if "+" not in label}
    reviewer = single_and_many(port, unfiltered, None, args, "reviewer@example.org")
    result["latency"].update({f"{label} (reviewer)": r for label, r in reviewer["latency"].items()})
    result["rps"]["common words"] = throughput(
        port, scenarios["common words"], args.clients, args.seconds, "officer@example.org"
    )
    client = Client(port)
    client.sign_in("officer@example.org")
    result["logging"] = percentiles(time_logging(client, max(50, args.requests // 2)))
    return result


def _medians(rounds, many):
    """Per scenario, the median over rounds of each percentile; and the median rate of ``many``."""
    labels = rounds[0]["latency"]
    latency = {
        label: {q: statistics.median(r["latency"][label][q] for r in rounds) for q in ("p50", "p95", "p99")}
        for label in labels
    }
    return latency, statistics.median(r["rps"][many] for r in rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database to use (filled once, then reused)")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per single-client scenario")
    parser.add_argument("--seconds", type=float, default=10, help="duration of each 16-client run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3, help="rounds, floor and app alternating; medians quoted")
    args = parser.parse_args()
    url = ensure(args.database_url, args.records)
    engine_name = "postgresql" if url.startswith("postgresql") else "sqlite"
    target = 50 if engine_name == "postgresql" else 25
    for name, queries in (("typical", TYPICAL), ("common", COMMON)):
        mean, total = average_matches(url, queries)
        print(f"{name} queries match {mean:,.0f} records on average ({100 * mean / total:.3g} %): {queries[:4]}")
    scenarios = search_scenarios(url)
    rounds = {"floor": [], "app": []}
    floor_paths = {label: [f"/?{urlencode({'q': q})}" for q in queries] for label, queries in FLOOR_SCENARIOS}
    for repeat in range(args.repeats):
        with Server(url, workers=2, app="bench.search_floor:app") as server:
            rounds["floor"].append(single_and_many(server.port, floor_paths, "floor: typical", args))
        with Server(url, workers=2) as server:
            rounds["app"].append(app_round(server.port, scenarios, args))
        print(
            f"round {repeat + 1}: floor {rounds['floor'][-1]['rps']['floor: typical']:.0f} rps;"
            f" search {rounds['app'][-1]['rps']['typical 2 words']:.0f} rps typical,"
            f" {rounds['app'][-1]['rps']['common words']:.0f} rps common",
            flush=True,
        )
    floor, floor_rps = _medians(rounds["floor"], "floor: typical")
    results, search_rps = _medians(rounds["app"], "typical 2 words")
    common_rps = statistics.median(r["rps"]["common words"] for r in rounds["app"])
    logging_ = {q: statistics.median(r["logging"][q] for r in rounds["app"]) for q in ("p50", "p95", "p99")}
    print(
        f"\nrecords search, {args.records:,} records, {engine_name}, single client, {args.requests} requests each;"
        f" medians of {args.repeats} rounds (floor and app alternating)"
    )
    print(f"{'scenario':36} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, r in {**floor, **results, "log a record (POST)": logging_}.items():
        print(f"{label:36} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}")
    worst = max(r["p95"] for r in results.values())
    ratio, common_ratio = search_rps / floor_rps, common_rps / floor_rps
    print(
        f"\n{args.clients} clients: floor {floor_rps:.0f} rps; search typical {search_rps:.0f} rps"
        f" ({ratio:.2f} of floor); search common words {common_rps:.0f} rps ({common_ratio:.2f} of floor)"
    )
    checks = {
        f"single-client p95 < {target} ms (worst {worst:.1f})": worst < target,
        f"{args.clients}-client rps >= 0.5 x floor (typical {ratio:.2f}, common {common_ratio:.2f})": min(
            ratio, common_ratio
        )
        >= 0.5,
        f"log a record p95 < 50 ms ({logging_['p95']:.1f})": logging_["p95"] < 50,
    }
    for label, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {label}")
    print(f"records_search ({engine_name}): {'PASS' if all(checks.values()) else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
