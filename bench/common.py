"""Shared bench helpers: a gunicorn server on a free loopback port, signed-in HTTP, percentiles."""

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving engage:create_app() (or another WSGI ``app``) on 127.0.0.1; stopped on exit."""

    def __init__(self, database_url, workers=2, extra_env=None, app="engage:create_app()"):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-" + "k" * 40,
            "ENGAGE_CONFIG": "development",
            "SIGN_IN_RATE_LIMIT": "10000/minute",
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                app,
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Client:
    """A keep-alive HTTP client with a cookie jar of one session cookie."""

    def __init__(self, port):
        self.port = port
        self.cookie = ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data

    def sign_in(self, email, password="engage-demo-password"):
        status, page = self.request("GET", "/account/sign-in")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "POST", "/account/sign-in", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")


def percentiles(samples_ms):
    ordered = sorted(samples_ms)

    def pick(p):
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"p50": pick(50), "p95": pick(95), "p99": pick(99), "mean": statistics.fmean(ordered)}


def time_requests(client, path, count):
    """GET ``path`` ``count`` times; return latencies in ms (fails loudly on a non-200)."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        status, _ = client.request("GET", path)
        samples.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
    return samples


def print_profile(profiles, callers=None):
    """Print cProfile results (one or several, added up): by cumulative time, by own time, and
    optionally the callers of functions matching ``callers``."""
    import pstats

    stats = pstats.Stats(profiles[0])
    for extra in profiles[1:]:
        stats.add(extra)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    if callers:
        stats.print_callers(callers)
