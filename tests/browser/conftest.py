"""Browser fixtures: the app served on 127.0.0.1 by a thread, driven by Debian's Chromium.

The whole folder skips, with the reason, when /usr/bin/chromium or the playwright package is
missing; `.ci/run` installs Chromium so CI runs these journeys.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from academy.extensions import db
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the dev extra is not installed: every test here is skipped
    expect = sync_playwright = None


def _why_skip() -> str | None:
    if sync_playwright is None:
        return "browser tests skipped: the playwright package is missing (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _why_skip()
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Failures show in assertions; a line per static file would bury them."""


def _buffered(app):
    """Read each response whole and close it before sending.

    When the browser drops a connection (a context closes while an icon or stylesheet is in
    flight) the development server skips closing the response, and the open static file
    surfaces later as a ResourceWarning in some unrelated test.
    """

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory) -> Iterator[str]:
    """The test app on a free port of 127.0.0.1, one thread per request, for the whole run."""
    server = make_server(
        "127.0.0.1", 0, _buffered(app), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # launch() gives Chromium a fresh temporary profile of its own every run.
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


class Session:
    """One browser context: a page, console problems collected, screenshots named by journey."""

    def __init__(self, browser, base_url: str, journey: str, viewport: dict | None = None):
        self.journey = journey
        self.context = browser.new_context(
            base_url=base_url,
            viewport=viewport or {"width": 1280, "height": 800},
            accept_downloads=True,
            locale="en-GB",
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # Content-Security-Policy violations and script errors arrive here; failed loads are
        # judged in _response, where a page answered 4xx on purpose can be told apart.
        if message.type in ("error", "warning") and not message.text.startswith(
            "Failed to load resource"
        ):
            self.problems.append(f"{message.type}: {message.text} ({message.location.get('url')})")

    def _response(self, response) -> None:
        # A page may answer 404 or 422 by design (the test asserts it); a stylesheet, script,
        # image or icon that fails to load is a broken page.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"{response.status} for {response.url}")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.journey}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def sign_in(self, email: str, password: str = factories.PASSWORD) -> None:
        page = self.page
        page.goto("/login")
        # By name, not label: the form may be in any of the three languages.
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser, live_server):
    """open_session("trainee") -> Session; every console error or CSP violation fails the test."""
    sessions: list[Session] = []

    def opener(journey: str, viewport: dict | None = None) -> Session:
        session = Session(browser, live_server, journey, viewport)
        sessions.append(session)
        return session

    yield opener
    problems = []
    for session in sessions:
        problems.extend(session.problems)
        session.close()
    assert not problems, "browser console reported:\n" + "\n".join(problems)


def settle() -> None:
    """End the test thread's transaction before the browser acts.

    Reading an attribute after a commit opens a new transaction, and on SQLite every
    transaction outside a request takes the write lock (BEGIN IMMEDIATE): left open, it would
    make the served app's writes wait.
    """
    db.session.commit()
