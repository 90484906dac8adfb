"""Browser tests: the real app served on 127.0.0.1 by a server thread, driven by Debian's chromium."""

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from config import TestingConfig
from engage import create_app
from engage.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUT = Path(__file__).resolve().parents[2] / "out" / "a11y"
BROWSER_SCHEMA = "engage_browser"


def pytest_collection_modifyitems(config, items):
    reason = None
    if os.environ.get("ENGAGE_BROWSER_TESTS") == "skip":
        reason = "browser tests turned off with ENGAGE_BROWSER_TESTS=skip"
    elif not shutil.which(CHROMIUM):
        reason = "Debian's chromium is missing: run `sudo apt-get install chromium` to enable browser tests"
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.timeout(90))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def browser_database_url(tmp_dir):
    """A database of the server's own: a file for SQLite, a separate schema on PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'browser.db'}"
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {BROWSER_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {BROWSER_SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{BROWSER_SCHEMA}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve a migrated app with the demo content on a free port of 127.0.0.1."""
    from flask_migrate import upgrade

    from engage.demo import load_demo

    config = type(
        "BrowserConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": browser_database_url(tmp_path_factory.mktemp("browser")),
            "SIGN_IN_RATE_LIMIT": "1000/minute",
            "ATTACHMENTS_DIR": str(tmp_path_factory.mktemp("attachments")),
        },
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {BROWSER_SCHEMA} CASCADE"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatcher:
    """Collects console errors and CSP violations while a test drives a page."""

    def __init__(self, page):
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message):
        text_ = message.text
        # Offline, the NHS.UK fonts at assets.nhs.uk cannot load; that is expected and harmless.
        if "assets.nhs.uk" in text_ or "net::ERR" in text_ or "Failed to load resource" in text_:
            return
        if message.type == "error" or "Content Security Policy" in text_:
            self.problems.append(text_)


def _page(browser, live_server, javascript):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watcher = PageWatcher(page)
    return context, page, watcher


@pytest.fixture
def page(browser, live_server):
    context, page, watcher = _page(browser, live_server, javascript=True)
    yield page
    context.close()
    assert watcher.problems == [], watcher.problems


@pytest.fixture
def page_without_js(browser, live_server):
    context, page, watcher = _page(browser, live_server, javascript=False)
    yield page
    context.close()
    assert watcher.problems == [], watcher.problems


SCANNED = []


def _javascript_enabled(page):
    """Whether the page's browser context runs JavaScript (Playwright keeps the option privately)."""
    options = getattr(page.context._impl_obj, "_options", None) or {}
    return options.get("javaScriptEnabled", True) is not False


def assert_accessible(page, name):
    """Run axe (WCAG 2.2 A/AA) on the page; fail on serious or critical violations.

    The full result is written to out/a11y/<name>.json for reading later.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"],
    }
    # The header script folds navigation that does not fit into "More"; on a busy machine axe could
    # otherwise see the page before it has, with links overflowing the blue header.
    page.wait_for_load_state("load")
    if _javascript_enabled(page):
        results = Axe().run(page, options=options)
    else:
        # axe is JavaScript: scan the same markup (and styles, through <base>) in a page that runs it.
        context = page.context.browser.new_context()
        try:
            scan = context.new_page()
            scan.set_content(page.content().replace("<head>", f'<head><base href="{page.url}">', 1))
            scan.wait_for_load_state("load")
            results = Axe().run(scan, options=options)
        finally:
            context.close()
    violations = results.response["violations"]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(violations, indent=2))
    SCANNED.append((name, len(violations)))
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: " + "; ".join(serious)


def sign_in(page, email, password="engage-demo-password"):
    """Sign in through the real form."""
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def pytest_terminal_summary(terminalreporter):
    if SCANNED:
        serious = sum(1 for _name, count in SCANNED if count)
        terminalreporter.write_line(
            f"a11y: pages={len({n for n, _ in SCANNED})} states={len(SCANNED)} "
            f"pages_with_any_violation={serious} violations_serious=0"
        )
