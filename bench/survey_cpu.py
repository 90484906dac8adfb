"""CPU and queries per request of the survey journey, in process (steady under a busy machine).

Builds the same one-page, ten-question survey as bench/survey_responses.py (SQLite in a temporary
folder, or --database-url), walks the journey through the Flask test client and, for each of its
five requests, reports the CPU time spent inside the app's WSGI call (time.process_time, so other
processes on the machine barely move it) and the number of SQL statements. The test client's own
work is outside the measured call.

    .venv/bin/python bench/survey_cpu.py                    # 200 journeys, median CPU per step
    .venv/bin/python bench/survey_cpu.py --profile check-post   # cProfile of one step, top 40
"""

import argparse
import cProfile
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
    """Wraps the app's WSGI callable: CPU seconds, wall seconds and SQL statements of the last request."""

    def __init__(self, app):
        from sqlalchemy import event

        from engage.extensions import db

        self.inner = app.wsgi_app
        self.cpu = 0.0
        self.wall = 0.0
        self.queries = 0
        self.profile = None
        app.wsgi_app = self
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--profile", choices=NAMES, help="print a cProfile (CPU time) of this step")
    parser.add_argument("--callers", help="with --profile: also print the callers of functions matching this")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{tmp.name}/cpu.sqlite"
    answers = prepare(url)
    steps = journey_steps(answers)
    app = make_app(url)
    meter = Meter(app)
    results = {}
    for _ in range(20):  # warm up
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
