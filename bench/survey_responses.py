"""Benchmark: residents answering a one-page, ten-question survey, through the real server.

Serves the real app under gunicorn (2 sync workers) and drives the resident's journey with wrk
(a C load generator, so the load costs the server little CPU) at 16 concurrent clients, one
keep-alive connection each (bench/survey_load.lua):

- journeys: GET the start page (privacy notice, consent, individual or organisation, and the
  survey's one page; the CSRF token), POST it, GET "check your answers", POST it with the consent
  to publish (the response is stored), GET the confirmation and read the reference. Afterwards
  every reference a client received must be stored, exactly once, and nothing else stored: the
  number lost is printed.
- submissions: only the POST that stores a response, each on its own ready draft (made beforehand
  through the app's own journey code, signed into a session cookie), for the requests per second.

In the same run it serves bench/survey_floor.py (Flask + Flask-SQLAlchemy + Flask-WTF validating a
ten-field form and inserting one row) and measures its POST alone and its GET + POST journey: the
floor. Each measurement is repeated (--repeats, alternating floor and app) and medians are quoted.

Targets (issue 5): submission POST rate >= 0.8 x the floor's POST rate; >= 130 complete journeys
per second; p95 of every request in the journey < 50 ms; 0 lost.

    .venv/bin/python bench/survey_responses.py                 # SQLite in a temporary folder
    .venv/bin/python bench/survey_responses.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/engage_bench_survey
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Client, Server  # noqa: E402
from bench.survey_floor import FIELDS as FLOOR_FIELDS  # noqa: E402

SLUG = "urgent-treatment-centres-bench"
SECRET_KEY = "bench-" + "k" * 40
LUA = str(ROOT / "bench" / "survey_load.lua")
TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
#: The ten questions: one of each kind, the kind's answer as the resident types or picks it.
QUESTIONS = [
    ("short_text", "What one thing would improve urgent care near you?", "Evening appointments"),
    ("long_text", "Tell us about your last visit.", "It took three weeks to see someone. " * 10),
    ("single_choice", "Which centre do you use most?", 2),
    ("multiple_choice", "How do you travel there?", (1, 3)),
    ("likert", "The centre should open until 10pm.", 1),
    ("rating", "How would you rate your last visit?", "4"),
    ("yes_no", "Have you used NHS 111 this year?", "yes"),
    ("number", "How many minutes does the journey take?", "25"),
    ("date", "When did you last visit?", ("1", "3", "2024")),
    ("postcode", "What is your postcode?", "ME14 1XX"),
]
OPTIONS = ["Maidstone", "Sevenoaks", "Tonbridge", "Edenbridge"]


def prepare(database_url):
    """Migrate an empty database and add an open consultation with a one-page, ten-question survey.

    Returns the page's form fields as (name, value) pairs: the resident's answers.
    """
    from flask_migrate import upgrade
    from sqlalchemy import text

    from engage.consultations.models import Consultation, ConsultationStage
    from engage.dates import now_utc
    from engage.extensions import db
    from engage.surveys.models import LIKERT_LABELS, Question, QuestionKind, QuestionOption, Survey, SurveyPage

    app = _app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        consultation = Consultation(
            title="Urgent treatment centres in West Kent",
            slug=SLUG,
            summary="Where urgent treatment centres should be, and when they should open.",
            opens_at=now_utc() - timedelta(days=1),
            closes_at=now_utc() + timedelta(days=30),
            stage=ConsultationStage.ready,
            has_online_survey=True,
        )
        page = SurveyPage(position=1, title="Your views")
        db.session.add(Survey(consultation=consultation, privacy_notice="We keep your answers safe.", pages=[page]))
        for position, (kind, wording, _answer) in enumerate(QUESTIONS, start=1):
            kind = QuestionKind(kind)
            labels = LIKERT_LABELS if kind == QuestionKind.likert else OPTIONS if kind.has_options else ()
            page.questions.append(
                Question(
                    position=position,
                    kind=kind,
                    text=wording,
                    required=position <= 3,
                    min_value=0 if kind == QuestionKind.number else None,
                    max_value=600 if kind == QuestionKind.number else None,
                    options=[QuestionOption(position=i, label=label) for i, label in enumerate(labels, start=1)],
                )
            )
        db.session.commit()
        fields = []
        for question, (_kind, _wording, answer) in zip(page.questions, QUESTIONS, strict=True):
            name = f"q{question.id}"
            if question.kind == QuestionKind.date:
                fields += [
                    (f"{name}-{part}", value) for part, value in zip(("day", "month", "year"), answer, strict=True)
                ]
            elif question.kind.has_options:
                picks = answer if isinstance(answer, tuple) else (answer,)
                fields += [(name, str(question.options[i - 1].id)) for i in picks]
            else:
                fields.append((name, answer))
    return fields


def _app(database_url):
    from config import DevelopmentConfig
    from engage import create_app

    config = type("Bench", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    return create_app(config)


def journey_steps(answers):
    """The resident's requests in order, as survey_load.lua reads them ({csrf} is filled in by the client)."""
    base = f"/consultations/{SLUG}/respond"
    return [
        ("GET", base, None),
        ("POST", base, [("consent", "y"), ("respondent_type", "individual"), *answers, ("action", "continue")]),
        ("GET", f"{base}/check", None),
        ("POST", f"{base}/check", [("name", ""), ("email", ""), ("publish_consent", "anonymous"), ("website", "")]),
        ("GET", f"{base}/confirmation", None),
    ]


def _body(fields):
    return "csrf_token={csrf}&" + urlencode(fields)


def walk(port, steps):
    """Walk the journey once with a Python client, failing loudly on the first unexpected answer.

    Returns the client (its session holds the draft, or the response once sent) and the last page.
    """
    client = Client(port)
    token, page = None, b""
    for method, path, fields in steps:
        status, page = client.request(method, path, None if fields is None else [("csrf_token", token), *fields])
        if status not in ((200,) if method == "GET" else (302, 303)):
            problem = re.findall(rb'class="nhsuk-error-message"[^>]*>(.*?)</', page)[:3]
            raise RuntimeError(f"{method} {path} answered {status}: {problem}")
        token = token or TOKEN.search(page).group(1).decode()
    return client, page


def ready_drafts(database_url, port, steps, count):
    """``count`` drafts ready to send, each with a signed session cookie and CSRF token of its own.

    One draft is made through the real journey (up to "check your answers"); the rest are copies of
    it under new keys, so the submission POST finds exactly what a resident's browser would leave.
    """
    import secrets

    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import insert

    from engage.extensions import db
    from engage.responses.models import ResponseDraft

    client, _page = walk(port, steps[:3])
    app = _app(database_url)
    lines = []
    with app.app_context():
        model = db.session.scalars(db.select(ResponseDraft).order_by(ResponseDraft.id.desc())).first()
        columns = {c.key: getattr(model, c.key) for c in ResponseDraft.__table__.columns if c.key not in ("id", "key")}
        columns["resume_token_hash"] = None
        rows = []
        serializer = app.session_interface.get_signing_serializer(app)
        # The session the walk left (the draft's key, its CSRF secret, Flask-Login's marks): each
        # copy differs only in its draft key and CSRF secret, so no submission has to rewrite it.
        walked = serializer.loads(client.cookie.split("=", 1)[1])
        for _ in range(count):
            key = secrets.token_urlsafe(24)
            rows.append({**columns, "key": key})
            # A fresh app context each time: Flask-WTF keeps the token in g once made.
            with app.app_context(), app.test_request_context():
                from flask import session

                session.update({name: value for name, value in walked.items() if name != "csrf_token"})
                token = generate_csrf()
                session[f"response_draft_{model.consultation_id}"] = key
                cookie = serializer.dumps(dict(session))
            lines.append(f"session={cookie} {token}")
        db.session.execute(insert(ResponseDraft), rows)
        db.session.commit()
    return lines


def stored(database_url, references=None):
    """How many responses are stored, and how many of ``references`` are among them."""
    from sqlalchemy import create_engine, func, select

    from engage.responses.models import Response

    engine = create_engine(database_url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Response.__table__)).scalar()
        found = 0
        refs = list(references or ())
        for start in range(0, len(refs), 500):
            chunk = refs[start : start + 500]
            found += conn.execute(
                select(func.count()).select_from(Response.__table__).where(Response.__table__.c.reference.in_(chunk))
            ).scalar()
    engine.dispose()
    return total, found


def _busy_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat; steal and idle left out)."""
    user, nice, system, _idle, _iowait, irq, softirq = (int(n) for n in Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(port, clients, seconds, *args):
    """Run wrk with survey_load.lua; return the figures the script wrote, and ``cpu``: the machine's
    CPU milliseconds per completed request, wrk's own left out (the server, Redis, PostgreSQL). With
    the machine saturated, the app's rate falls short of the floor's by this figure's ratio; a
    shorter rate than that would mean requests waited (on a lock, a round trip) rather than worked."""
    with tempfile.NamedTemporaryFile("r", suffix=".out") as out:
        command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", LUA]
        busy, wrk_cpu = _busy_seconds(), _children_cpu()
        subprocess.run(
            [*command, f"http://127.0.0.1:{port}", "--", out.name, *[str(a) for a in args]],
            check=True,
            capture_output=True,
        )
        server_cpu = (_busy_seconds() - busy) - (_children_cpu() - wrk_cpu)
        figures = {"ok": 0, "failed": 0, "refs": []}
        for line in out.read().splitlines():
            key, value = line.split(" ", 1)
            if key == "ref":
                figures["refs"].append(value)
            elif key in ("ok", "failed"):
                figures[key] += int(value)
            else:
                figures[key] = float(value)
    figures["rate"] = figures["ok"] / figures["seconds"]
    figures["cpu"] = server_cpu * 1000 / max(figures["ok"], 1)
    return figures


def _limiter_storage():
    """Rate limits in Redis when one answers on localhost (as in production), else in memory."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        print("rate limits: memory:// (no Redis on 127.0.0.1:6379)")
        return {"RATELIMIT_STORAGE_URI": "memory://"}
    print("rate limits: redis://127.0.0.1:6379/15")
    return {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="PostgreSQL database to use (emptied first)")
    parser.add_argument("--seconds", type=int, default=5, help="duration of each wrk run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite"
    floor_url = args.database_url or f"sqlite:///{tmp.name}/floor.sqlite"
    engine_name = "postgresql" if url.startswith("postgresql") else "sqlite"
    answers = prepare(url)
    floor_env = {**os.environ, "DATABASE_URL": floor_url, "SECRET_KEY": SECRET_KEY}
    subprocess.run(
        [PYTHON, "-m", "flask", "--app", "bench.survey_floor", "create-tables"], cwd=ROOT, env=floor_env, check=True
    )
    steps = journey_steps(answers)
    steps_file = Path(tmp.name) / "steps.txt"
    steps_file.write_text(
        "".join(
            f"{method} {path}{'' if fields is None else ' ' + _body(fields)}{' REF' if i == len(steps) - 1 else ''}\n"
            for i, (method, path, fields) in enumerate(steps)
        )
    )
    floor_steps = Path(tmp.name) / "floor-steps.txt"
    floor_body = _body(FLOOR_FIELDS)
    floor_steps.write_text(f"GET /\nPOST / {floor_body}\n")
    results = {key: [] for key in ("floor post", "floor journey", "submit", "journey")}
    lost = duplicates = 0
    app_env = {"RESPONSE_RATE_LIMIT": "1000000/minute", "MAIL_BACKEND": "console", **_limiter_storage()}
    for repeat in range(args.repeats):
        with Server(floor_url, app="bench.survey_floor:app", extra_env={"SECRET_KEY": SECRET_KEY}) as server:
            results["floor post"].append(run_wrk(server.port, args.clients, args.seconds, "post", "/", floor_body))
            figures = run_wrk(server.port, args.clients, args.seconds, "journey", floor_steps)
            results["floor journey"].append(figures)
        with Server(url, extra_env=app_env) as server:
            walk(server.port, steps)  # warm up both workers' caches
            walk(server.port, steps)
            sessions = Path(tmp.name) / "sessions.txt"
            # Enough drafts that the clients cannot run out, whatever the machine's speed: half as
            # many again as the floor stored in the same time (no run has come near the floor).
            drafts = max(2000, int(1.5 * results["floor post"][-1]["rate"] * args.seconds))
            sessions.write_text("\n".join(ready_drafts(url, server.port, steps, drafts)) + "\n")
            before, _ = stored(url)
            figures = run_wrk(
                server.port,
                args.clients,
                args.seconds,
                "submit",
                sessions,
                "/consultations/" + SLUG + "/respond/check",
                args.clients,
                _body(steps[3][2]),
            )
            after, _ = stored(url)
            if figures["ok"] >= drafts - args.clients:
                print(f"submissions: the clients used all {drafts} ready drafts, so the rate is a lower bound")
            if after - before != figures["ok"]:
                print(f"submissions: {figures['ok']} acknowledged but {after - before} stored")
                lost += max(0, figures["ok"] - (after - before))
            results["submit"].append(figures)
            figures = run_wrk(server.port, args.clients, args.seconds, "journey", steps_file)
            total, found = stored(url, figures["refs"])
            lost += len(set(figures["refs"])) - found
            duplicates += len(figures["refs"]) - len(set(figures["refs"]))
            results["journey"].append(figures)
        print(
            f"run {repeat + 1}: floor POST {results['floor post'][-1]['rate']:.0f}/s,"
            f" submit POST {results['submit'][-1]['rate']:.0f}/s;"
            f" floor journeys {results['floor journey'][-1]['rate']:.0f}/s,"
            f" journeys {results['journey'][-1]['rate']:.0f}/s ({results['journey'][-1]['failed']} failed)",
            flush=True,
        )

    def median(key, figure="rate"):
        return statistics.median(r[figure] for r in results[key])

    ratio = median("submit") / median("floor post")
    journeys = median("journey")
    p = {q: median("journey", q) for q in ("p50", "p95", "p99")}
    fp = {q: median("floor journey", q) for q in ("p50", "p95", "p99")}
    failed = sum(r["failed"] for r in results["journey"] + results["submit"])
    print(
        f"\nsurvey responses, {engine_name}, {args.clients} clients, {args.seconds} s runs, medians of {args.repeats}"
    )

    def line(label, key, extra=""):
        print(f"{label:48} {median(key):8.0f} /s  {extra}")

    def spread(q):
        return f"p50/p95/p99 {q['p50']:.1f}/{q['p95']:.1f}/{q['p99']:.1f} ms"

    line("floor POST (validate 10 fields, insert 1 row)", "floor post")
    line("submission POST (stores a response)", "submit", f"({ratio:.2f} of floor)")
    line("floor journeys (GET + POST)", "floor journey", spread(fp))
    line(f"complete journeys ({len(steps)} requests)", "journey", spread(p))
    cpu = {key: median(key, "cpu") for key in results}
    print(
        f"machine CPU per request, wrk's left out: floor POST {cpu['floor post']:.2f} ms,"
        f" submission POST {cpu['submit']:.2f} ms (floor ÷ {cpu['floor post'] / cpu['submit']:.2f});"
        f" per journey: floor {cpu['floor journey']:.2f} ms, app {cpu['journey']:.2f} ms"
    )
    print(
        f"failed requests {failed:.0f}; references received but not stored (lost) {lost}; received twice {duplicates}"
    )
    checks = {
        f"submission POST >= 0.8 x floor POST ({ratio:.2f})": ratio >= 0.8,
        f"complete journeys >= 130/s ({journeys:.0f})": journeys >= 130,
        f"journey p95 < 50 ms ({p['p95']:.1f})": p["p95"] < 50,
        f"0 lost, 0 duplicated, 0 failed ({lost}, {duplicates}, {failed:.0f})": lost == duplicates == failed == 0,
    }
    for label, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {label}")
    print(f"survey_responses ({engine_name}): {'PASS' if all(checks.values()) else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
