"""Browser fixtures for the whole suite, loaded once (``-p tests.browser.fixtures`` in pyproject.toml)
so that every test folder shares one Chromium session.

Real headless Chromium (Debian's package) driven by Playwright, against pytest-django's live server.

The ``page`` fixture records console errors, failed requests and requests that leave the site;
tests assert on them. On failure a screenshot lands in test-results/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers import missing_service

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing_service("Chromium", f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """What the page did that a test may want to forbid."""

    def __init__(self, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        self.failed_requests: list[str] = []

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def on_request_failed(self, request) -> None:
        # A click that leaves a page cancels what it was still loading (its favicon, say): Chromium
        # reports net::ERR_ABORTED, which is the browser's doing, not a broken resource. A missing
        # file answers 404 (a response, checked by the tests that care); a server that fails gives
        # another net:: error, recorded here.
        if request.failure == "net::ERR_ABORTED" and request.url.startswith(self.origin):
            return
        self.failed_requests.append(f"{request.url} ({request.failure})")


@pytest.fixture
def page(request, chromium, live_server):
    origin = live_server.url
    context = chromium.new_context(base_url=origin, locale="fr-FR", timezone_id="Europe/Paris")
    # Nothing may leave the machine: block (and record) every request to another origin.
    watch = PageWatch(origin)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort(),
    )
    page = context.new_page()
    page.on("request", watch.on_request)
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))
    page.on("requestfailed", watch.on_request_failed)

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.watch = watch
    page.set_default_timeout(10_000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
