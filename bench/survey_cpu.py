"""CPU and queries per request of the survey journey, in process (steady under a busy machine).

Builds the same one-page, ten-question survey as bench/survey_responses.py (SQLite in a temporary
folder, or --database-url), walks the journey through the Flask test client and, for each of its
five requests, reports the CPU time spent inside the app's WSGI call (time.process_time, so other
processes on the machine barely move it) and the number of SQL statements. The test client's own
work is outside the measured call.

    .venv/bin/python bench/survey_cpu.py                    # 200 journeys, median CPU per step
    .venv/bin/python bench/survey_cpu.py --profile check-post   # cProfile of one step, top 40
    .venv/bin/python bench/survey_cpu.py --ledger           # what each extra part of the storing POST costs

--ledger sizes issue 5's ratio target (storing POST >= 0.8 x the floor's POST). In one process it
serves the floor (bench/survey_floor.py) and the app once as built and once with each part the
storing POST has and the floor has not switched off (the per-address rate limit, the duplicate
checks, the audit entry; then all three), walks them in turn, rotating the order each round so the
machine's drift falls on all alike, and prints the storing POST's median CPU, what switching the
part off saves, and the floor's POST CPU divided by it. The switches are patches made in this
process only: the app has no way to turn these parts off.
"""

import argparse
import cProfile
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_profile  # noqa: E402
from bench.survey_responses import SECRET_KEY, _limiter_storage, journey_steps, prepare  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
NAMES = ["start", "start-post", "check", "check-post", "confirmation"]
#: Journeys walked (by each app) before any is measured.
WARM_UP = 20
#: The parts of the storing POST that the floor does not have, by the config flag --ledger sets to
#: switch each off (see _install_switches). Both have CSRF, a session and a validated form.
PARTS = {
    "per-address rate limit": "BENCH_NO_RATE_LIMIT",
    "duplicate checks": "BENCH_NO_DUPLICATE_CHECKS",
    "audit entry": "BENCH_NO_AUDIT",
}


def make_app(database_url):
    from config import DevelopmentConfig
    from engage import create_app

    config = type(
        "BenchCPU",
        (DevelopmentConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET_KEY,
            "RESPONSE_RATE_LIMIT": "1000000/minute",
            **_limiter_storage(),
            "MAIL_BACKEND": "console",
        },
    )
    return create_app(config)


class Meter:
    """Wraps the app's WSGI callable: CPU seconds, wall seconds and (with ``queries``, for an Engage
    app) SQL statements of the last request."""

    def __init__(self, app, *, queries=True):
        from sqlalchemy import event

        from engage.extensions import db

        self.inner = app.wsgi_app
        self.cpu = 0.0
        self.wall = 0.0
        self.queries = 0
        self.profile = None
        app.wsgi_app = self
        if queries:
            with app.app_context():
                event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.queries += 1

    def __call__(self, environ, start_response):
        self.queries = 0
        start, wall = time.process_time(), time.perf_counter()
        if self.profile is not None:
            self.profile.enable()
        try:
            # Consume the body inside the measured call (templates may stream).
            return list(self.inner(environ, start_response))
        finally:
            if self.profile is not None:
                self.profile.disable()
            self.cpu = time.process_time() - start
            self.wall = time.perf_counter() - wall


def walk(client, steps, meter, results, profile_step=None):
    """Walk ``steps`` (the journey or its first few), appending (CPU, queries, wall) to ``results[step name]``."""
    token = None
    for name, (method, path, fields) in zip(NAMES[: len(steps)], steps, strict=True):
        data = None
        if fields is not None:
            from werkzeug.datastructures import MultiDict

            data = MultiDict([("csrf_token", token), *fields])
        if name == profile_step:
            meter.profile = cProfile.Profile(time.process_time)
        response = client.open(path, method=method, data=data)
        if name == profile_step:
            results.setdefault("profile", []).append(meter.profile)
            meter.profile = None
        expected = (200,) if method == "GET" else (302, 303)
        if response.status_code not in expected:
            raise RuntimeError(f"{method} {path} answered {response.status_code}")
        if token is None:
            token = TOKEN.search(response.get_data(as_text=True)).group(1)
        results.setdefault(name, []).append((meter.cpu, meter.queries, meter.wall))


def _install_switches():
    """Let each app of this process skip the parts in PARTS its config flags (for --ledger only)."""
    from flask import current_app
    from flask_limiter import Limiter

    from engage import audit
    from engage.responses import services

    def switchable(flag, function, skipped):
        def wrapper(*args, **kwargs):
            return skipped if current_app.config.get(flag) else function(*args, **kwargs)

        return wrapper

    # Flask-Limiter's check, both as its before_request hook and from the route's decorator.
    Limiter._check_request_limit = switchable(PARTS["per-address rate limit"], Limiter._check_request_limit, None)
    services._duplicate_reasons = switchable(PARTS["duplicate checks"], services._duplicate_reasons, [])
    audit.insert = switchable(PARTS["audit entry"], audit.insert, None)


def _floor_post(database_url):
    """A function that makes one floor submission (GET, then POST) and returns the POST's CPU seconds."""
    import importlib

    from werkzeug.datastructures import MultiDict

    import bench.survey_floor

    # The floor makes its app and engine on import, from DATABASE_URL; it was first imported
    # (for its answers) without one, on an in-memory database whose commits cost nothing.
    os.environ["DATABASE_URL"] = database_url
    floor = importlib.reload(bench.survey_floor)
    with floor.app.app_context():
        floor.db.create_all()
    meter = Meter(floor.app, queries=False)

    def post():
        client = floor.app.test_client()
        token = TOKEN.search(client.get("/").get_data(as_text=True)).group(1)
        if client.post("/", data=MultiDict([("csrf_token", token), *floor.FIELDS])).status_code != 303:
            raise RuntimeError("the floor refused its submission")
        return meter.cpu

    return post


def _check_switches(app, switched_off):
    """Fail unless the duplicate and audit switches took: each was off in two apps (alone and with the
    rest) for ``switched_off`` responses per app; every other response after the very first was a
    duplicate of the one before."""
    from sqlalchemy import func, select

    from engage.audit import AuditEntry
    from engage.extensions import db
    from engage.responses.models import Response

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Response))
        unflagged = db.session.scalar(select(func.count()).select_from(Response).where(~Response.flagged))
        audited = db.session.scalar(select(func.count()).where(AuditEntry.object_type == "responses"))
    if unflagged not in (2 * switched_off, 2 * switched_off + 1) or audited != total - 2 * switched_off:
        raise RuntimeError(f"a switch did not take: {total} responses, {unflagged} unflagged, {audited} audited")


def ledger(url, steps, journeys):
    """Print what each part in PARTS costs the storing POST, against the floor's POST (see --ledger)."""
    _install_switches()
    variants = {"as built": {}, **{f"without {part}": {flag: True} for part, flag in PARTS.items()}}
    variants["without all three"] = {flag: True for flag in PARTS.values()}
    apps = {}
    for name, flags in variants.items():
        apps[name] = make_app(url)
        apps[name].config.update(flags)
    meters = {name: Meter(app) for name, app in apps.items()}
    floor_post = _floor_post(url)
    samples = {name: [] for name in (*apps, "floor")}
    order = [*apps, "floor"]
    rounds = WARM_UP + journeys
    for round_ in range(rounds):
        for name in order[round_ % len(order) :] + order[: round_ % len(order)]:
            if name == "floor":
                cpu = floor_post()
            else:
                results = {}
                walk(apps[name].test_client(), steps, meters[name], results)
                cpu = results["check-post"][0][0]
            if round_ >= WARM_UP:
                samples[name].append(cpu)
    _check_switches(apps["as built"], switched_off=rounds)
    floor = statistics.median(samples["floor"]) * 1000
    built = statistics.median(samples["as built"]) * 1000
    print(f"storing POST, CPU ms in process, medians of {journeys} interleaved")
    print(f"{'':44} {'ms':>6} {'saves':>6} {'floor ÷':>8}")
    print(f"{'floor POST':44} {floor:6.2f}")
    for name in apps:
        cpu = statistics.median(samples[name]) * 1000
        print(f"{'storing POST ' + name:44} {cpu:6.2f} {built - cpu:6.2f} {floor / cpu:8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--profile", choices=NAMES, help="print a cProfile (CPU time) of this step")
    parser.add_argument("--callers", help="with --profile: also print the callers of functions matching this")
    parser.add_argument("--ledger", action="store_true", help="what each extra part of the storing POST costs")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{tmp.name}/cpu.sqlite"
    answers = prepare(url)
    steps = journey_steps(answers)
    if args.ledger:
        ledger(url, steps, args.journeys)
        return
    app = make_app(url)
    meter = Meter(app)
    results = {}
    for _ in range(WARM_UP):
        walk(app.test_client(), steps, meter, {})
    for _ in range(args.journeys):
        walk(app.test_client(), steps, meter, results, args.profile)
    total = 0.0
    low_total = 0.0
    print(f"{'step':14} {'CPU ms median':>14} {'10th pct':>9} {'queries':>8}")
    for name in NAMES:
        samples = sorted(c for c, *_ in results[name])
        cpu = statistics.median(samples) * 1000
        low = samples[len(samples) // 10] * 1000
        queries = statistics.median(q for _, q, _ in results[name])
        total += cpu
        low_total += low
        print(f"{name:14} {cpu:14.2f} {low:9.2f} {queries:8.0f}")
    print(f"{'journey':14} {total:14.2f} {low_total:9.2f}")
    if args.profile:
        print_profile(results["profile"], args.callers)


if __name__ == "__main__":
    main()
