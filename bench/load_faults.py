"""Load and fault test: residents answer a survey and officers search and export while things break.

Serves the real app under gunicorn (2 sync workers) on SQLite, or on PostgreSQL in a private
cluster this script starts (never the shared server), with the ten-question survey of
bench/survey_responses.py and the demo users and records. Python threads act as 16 residents
walking the whole response journey and 2 signed-in officers searching records, exporting them as
CSV and exporting the consultation's responses, with a second's thought between requests.

Faults, a quarter and half way through: one gunicorn worker is killed with SIGKILL (the master
starts another), and on PostgreSQL the database server is stopped (fast shutdown: sessions cut),
left down for --outage seconds and started again. A request that fails (a dropped connection or a
5xx) is sent again with the same session, as a resident pressing reload or "Send" again would, so
a "Send" that was stored but never answered must lead to the same confirmation, not a second
response. Each journey writes its own marker into the first answer.

Afterwards it reads the database: every reference a client was shown must be stored (lost must be
0), no journey's answers and no reference stored twice; and no client may have had a 500, nor any
5xx but the friendly 503 page during the faults. It prints journeys attempted, acknowledged,
stored, lost, and the failures by status inside and outside each fault window, the worker's
respawn time, the database outage as clients saw it, and journeys per second (indicative only on
a busy machine). Exits non-zero when a check fails.

    .venv/bin/python bench/load_faults.py                   # SQLite in a temporary folder
    .venv/bin/python bench/load_faults.py --postgresql      # a private PostgreSQL cluster
    .venv/bin/python bench/load_faults.py --all --seconds 60
    .venv/bin/python bench/load_faults.py --database-url postgresql+psycopg://... [--restart-command "..."]
"""

import argparse
import http.client
import itertools
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Client, Server, free_port  # noqa: E402
from bench.survey_responses import SLUG, TOKEN, _app, journey_steps, prepare  # noqa: E402

RESIDENTS, OFFICERS = 16, 2
REFERENCE = re.compile(rb"Your reference number<br><strong>([\w-]+)</strong>")
FRIENDLY_503 = b"Sorry, the service is unavailable"
#: Failures this long after a fault ends still belong to it (a request already under way).
GRACE = 2.0
#: How long a journey under way at the end may take to finish.
FINISH = 20.0
#: The load goes on at least this long after the last fault, to show that the service recovered.
RECOVERY = 10.0


class Tally:
    """What the clients saw: journeys started, references shown, and every failure with its time."""

    def __init__(self, end):
        self.started = time.time()
        self.end = end  # when clients stop starting journeys (put back when the faults run late)
        self.elapsed = None
        self.windows = []  # (fault, start, end): failures in one (plus GRACE) belong to it
        self.lock = threading.Lock()
        self.attempted = 0
        self.acknowledged = []  # (time, reference)
        self.failures = []  # (time, status or exception name, friendly 503 page?)
        self.officer_requests = 0

    def fail(self, what, page=b""):
        with self.lock:
            self.failures.append((time.time(), what, FRIENDLY_503 in page and b"Traceback" not in page))


def send(client, tally, method, path, body):
    """One request, sent again after a dropped connection or a 5xx (as reload would) until it is answered.

    Returns (status, page), or None when the run is over first.
    """
    while time.time() < tally.end + FINISH:
        try:
            status, page = client.request(method, path, body)
        except (OSError, http.client.HTTPException) as error:
            client.conn.close()  # the next request opens a new connection
            tally.fail(type(error).__name__)
        else:
            if status < 500:
                return status, page
            tally.fail(status, page)
        time.sleep(0.5)
    return None


def journey(port, steps, tally):
    """Walk the response journey once; return the reference shown on the confirmation, or None."""
    client, token, page = Client(port), None, b""
    for method, path, fields in steps:
        answer = send(client, tally, method, path, None if fields is None else [("csrf_token", token), *fields])
        if answer is None:
            return None
        status, page = answer
        if status not in ((200,) if method == "GET" else (302, 303)):
            tally.fail(status, page)
            return None
        token = token or TOKEN.search(page).group(1).decode()
    match = REFERENCE.search(page)
    return match.group(1).decode() if match else None


def resident(port, answers, tally, journeys):
    """Start journey after journey until the run ends, each with its own marker in the first answer."""
    (name, value), rest = answers[0], answers[1:]
    while time.time() < tally.end:
        with tally.lock:
            tally.attempted += 1
            marker = f"{value} (journey {next(journeys)})"
        reference = journey(port, journey_steps([(name, marker), *rest]), tally)
        if reference:
            with tally.lock:
                tally.acknowledged.append((time.time(), reference))


def officer(port, consultation_id, tally):
    """Search records, export them as CSV and export the consultation's responses, in turn."""
    client = Client(port)
    client.sign_in("officer@example.org")
    exports = f"/consultations/manage/{consultation_id}/exports"
    token = TOKEN.search(client.request("GET", exports)[1]).group(1).decode()
    requests = itertools.cycle(
        [
            ("GET", "/records/?q=transport", None),
            ("GET", "/records/?q=carers+appointments", None),
            ("GET", "/records/export.csv?q=transport", None),
            ("POST", exports, {"csrf_token": token, "format": "csv"}),
        ]
    )
    while time.time() < tally.end:
        method, path, body = next(requests)
        answer = send(client, tally, method, path, body)
        if answer and answer[0] != 200:
            tally.fail(answer[0], answer[1])
        with tally.lock:
            tally.officer_requests += 1
        time.sleep(1)


def workers(master_pid):
    """The pids of the gunicorn master's children (its workers)."""
    return set(map(int, Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()))


def answering(access_log):
    """The pids of the workers that have answered a request (the access log holds only "<pid>" lines)."""
    return set(map(int, re.findall(r"\d+", Path(access_log).read_text())))


def warm_up(server, access_log):
    """Wait until every worker has loaded the app and answered (gunicorn loads it after forking)."""
    deadline = time.time() + 120
    client = Client(server.port)
    while not workers(server.process.pid) <= answering(access_log):
        if time.time() > deadline:
            raise RuntimeError("the gunicorn workers did not start answering")
        client.request("GET", "/healthz")
        time.sleep(0.05)


def kill_worker(server, access_log):
    """SIGKILL one worker; return (killed at, seconds until its replacement has answered a request)."""
    before = workers(server.process.pid)
    victim = min(before)
    killed_at = time.time()
    os.kill(victim, signal.SIGKILL)
    while not answering(access_log) - before:
        if time.time() > killed_at + 120:
            raise RuntimeError("gunicorn did not replace the killed worker")
        time.sleep(0.02)
    return killed_at, time.time() - killed_at


class PrivateCluster:
    """A throwaway PostgreSQL cluster in a temporary folder, owned by the postgres user, on a free port.

    The bench stops and starts it at will, which it must never do to the shared server on 5432.
    """

    def __init__(self):
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not versions:
            sys.exit("PostgreSQL server binaries are needed under /usr/lib/postgresql/<version>/bin")
        self.bin, self.port = versions[-1], free_port()
        self.folder = tempfile.mkdtemp(prefix="engage-faults-pg-")
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
        self.data = f"{self.folder}/data"
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "engage")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/engage"

    def _run(self, program, *args):
        subprocess.run([*self.as_postgres, str(self.bin / program), *args], check=True, stdout=subprocess.DEVNULL)

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", self.data, "-l", f"{self.folder}/log", "-w", "-o", options, "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def close(self):
        subprocess.run([*self.as_postgres, str(self.bin / "pg_ctl"), "-D", self.data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(self.folder)


def prepare_database(url):
    """The survey of bench/survey_responses.py, plus the demo users and records; (answers, consultation id)."""
    from sqlalchemy import select

    from engage.consultations.models import Consultation
    from engage.demo import load_demo
    from engage.extensions import db

    answers = prepare(url)
    app = _app(url)
    with app.app_context():
        load_demo()
        db.session.commit()
        consultation_id = db.session.scalar(select(Consultation.id).where(Consultation.slug == SLUG))
        db.engine.dispose()
    return answers, consultation_id


def check_database(url, consultation_id, marker_question, references):
    """Responses stored for the consultation, how many ``references`` are among them, and doubles."""
    from sqlalchemy import create_engine, func, select

    from engage.responses.models import Answer, Response

    responses, answers = Response.__table__, Answer.__table__
    ours = responses.c.consultation_id == consultation_id
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).where(ours)).scalar()
        found = sum(
            conn.execute(select(func.count()).where(ours, responses.c.reference.in_(references[i : i + 500]))).scalar()
            for i in range(0, len(references), 500)
        )
        twice_reference = select(responses.c.reference).group_by(responses.c.reference).having(func.count() > 1)
        twice_journey = (
            select(answers.c.text)
            .join(responses, responses.c.id == answers.c.response_id)
            .where(ours, answers.c.question_id == marker_question)
            .group_by(answers.c.text)
            .having(func.count() > 1)
        )
        duplicates = sum(
            conn.execute(select(func.count()).select_from(q.subquery())).scalar()
            for q in (twice_reference, twice_journey)
        )
    engine.dispose()
    return stored, found, duplicates


def load_with_faults(url, answers, consultation_id, args, restart):
    """Serve the app, set the clients going and break things on time; return the Tally."""
    env = {"RESPONSE_RATE_LIMIT": "1000000/minute", "RATELIMIT_STORAGE_URI": "memory://"}
    env["EXPORT_INLINE_MAX_ROWS"] = "1000000"  # officers download at once: no background jobs in the workers
    access_log = Path(tempfile.mkdtemp(prefix="engage-faults-")) / "access.log"
    env["GUNICORN_CMD_ARGS"] = f"--access-logfile {access_log} --access-logformat %(p)s"
    journeys = itertools.count(1)
    with Server(url, workers=2, extra_env=env) as server:
        warm_up(server, access_log)
        tally = Tally(time.time() + args.seconds)
        threads = [
            threading.Thread(target=resident, args=(server.port, answers, tally, journeys)) for _ in range(RESIDENTS)
        ]
        threads += [
            threading.Thread(target=officer, args=(server.port, consultation_id, tally)) for _ in range(OFFICERS)
        ]
        for thread in threads:
            thread.daemon = True  # a failing fault must not leave the bench waiting for its clients
            thread.start()
        time.sleep(max(0.0, tally.started + args.seconds / 4 - time.time()))
        killed_at, respawn = kill_worker(server, access_log)
        tally.windows.append(("worker kill", killed_at, killed_at + respawn))
        if restart:
            time.sleep(
                max(0.0, tally.started + args.seconds / 2 - time.time(), killed_at + respawn + GRACE - time.time())
            )
            down_at = time.time()
            restart()
            tally.windows.append(("db restart", down_at, time.time()))
        tally.end = max(tally.end, tally.windows[-1][2] + RECOVERY)
        for thread in threads:
            thread.join()
        tally.elapsed = time.time() - tally.started
    shutil.rmtree(access_log.parent)
    return tally


def report(engine_name, tally, stored, found, duplicates):
    """Print the figures and the checks; return True when every check passes."""
    references = [reference for _at, reference in tally.acknowledged]
    lost = len(set(references)) - found
    duplicates += len(references) - len(set(references))

    def phase(at):
        return next((name for name, start, stop in tally.windows if start <= at <= stop + GRACE), "normal")

    table = Counter((str(what), phase(at)) for at, what, _friendly in tally.failures)
    phases = ["normal", *(name for name, _start, _stop in tally.windows)]
    fault_5xx = [f for f in tally.failures if phase(f[0]) != "normal" and isinstance(f[1], int) and f[1] >= 500]
    unfriendly = sum(1 for _at, _what, friendly in fault_5xx if not friendly)
    last_fault = tally.windows[-1][2] + GRACE
    after = sum(1 for at, _reference in tally.acknowledged if at > last_fault)

    print(f"\nload and faults, {engine_name}, {RESIDENTS} residents + {OFFICERS} officers, {tally.elapsed:.0f} s")
    _name, killed, replaced = tally.windows[0]
    print(f"worker killed at {killed - tally.started:.1f} s; its replacement answered {replaced - killed:.1f} s later")
    for name, start, stop in tally.windows[1:]:
        seen = [at for at, _what, _friendly in tally.failures if phase(at) == name]
        span = f"clients saw failures for {max(seen) - min(seen):.1f} s" if seen else "no client saw a failure"
        print(f"database down from {start - tally.started:.1f} s for {stop - start:.1f} s (stop, start); {span}")
    print(f"responses attempted {tally.attempted}, acknowledged {len(references)}, stored {stored}, lost {lost}")
    print(
        f"stored but unacknowledged {stored - found}; stored twice {duplicates}; acknowledged after the faults {after}"
    )
    print(f"journeys/s {len(references) / tally.elapsed:.1f}; officer requests {tally.officer_requests}")
    print(f"{'failures by status':24}" + "".join(f"{p:>14}" for p in phases))
    for what in sorted({what for what, _phase in table}):
        print(f"  {what:22}" + "".join(f"{table[(what, p)]:>14}" for p in phases))
    checks = {
        f"0 lost ({lost})": lost == 0,
        f"0 stored twice ({duplicates})": duplicates == 0,
        f"no 500 outside a fault window ({table[('500', 'normal')]})": table[("500", "normal")] == 0,
        f"every 5xx during a fault is the friendly 503 page ({unfriendly} not)": unfriendly == 0,
        f"journeys acknowledged after the last fault ({after})": after > 0,
    }
    for label, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {label}")
    print(f"load_faults ({engine_name}): {'PASS' if all(checks.values()) else 'FAIL'}", flush=True)
    return all(checks.values())


def run(url, engine_name, args, restart=None):
    """Prepare the database, load it while faults happen, then check what is stored; True when all passes."""
    answers, consultation_id = prepare_database(url)
    tally = load_with_faults(url, answers, consultation_id, args, restart)
    references = [reference for _at, reference in tally.acknowledged]
    marker_question = int(answers[0][0].removeprefix("q"))
    return report(engine_name, tally, *check_database(url, consultation_id, marker_question, references))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgresql", action="store_true", help="a private PostgreSQL cluster, restarted mid-run")
    where.add_argument("--all", action="store_true", help="SQLite, then a private PostgreSQL cluster")
    where.add_argument("--database-url", help="an existing database to use (emptied first)")
    parser.add_argument("--restart-command", help="with --database-url: a command that restarts its server")
    parser.add_argument("--seconds", type=float, default=60, help="duration of the load on each database")
    parser.add_argument("--outage", type=float, default=3, help="seconds the private PostgreSQL stays down")
    args = parser.parse_args()
    passed = True
    if args.database_url:
        restart = args.restart_command and (lambda: subprocess.run(shlex.split(args.restart_command), check=True))
        engine_name = args.database_url.split(":")[0].split("+")[0]
        passed &= run(args.database_url, engine_name, args, restart)
    if not (args.database_url or args.postgresql):
        with tempfile.TemporaryDirectory() as folder:
            passed &= run(f"sqlite:///{folder}/bench.sqlite", "sqlite", args)
    if args.postgresql or args.all:
        cluster = PrivateCluster()
        try:

            def restart():
                cluster.stop()
                time.sleep(args.outage)
                cluster.start()

            passed &= run(cluster.url, "postgresql (private cluster)", args, restart)
        finally:
            cluster.close()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
