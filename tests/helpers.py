"""Plain helpers shared by the tests: waiting with a deadline, missing services, the reference rows,
real Celery workers, and the fields of a rendered form."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def wait_until(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1, message: str = ""):
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message or f"condition not met within {timeout:.0f}s")
        time.sleep(interval)


def database_url_for_children() -> str:
    """A DATABASE_URL for the database this test runs on, so child processes share it."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = settings_dict.get("USER") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


def missing_service(service: str, why: str):
    """Skip the test loudly, or fail it under REQUIRE_SERVICES=1 (CI), when a service is missing."""
    message = f"{service} is not available: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}", pytrace=False)
    pytest.skip(f"SERVICE MISSING — {message}")


def replay_data_migrations() -> None:
    """Put back the reference rows (communes, sections, aliases, rules, candidates, groups) that the
    data migrations load, after a transactional test flushed them.

    Every RunPython of our apps is replayed in migration order with the live app registry. Operations
    that need a schema editor (DDL such as triggers) are skipped: a flush keeps the schema.
    """
    from django.apps import apps
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    # Loaders read only ``schema_editor.connection``; anything that needs more is DDL, skipped below.
    schema_editor = SimpleNamespace(connection=connection)
    seen: set = set()
    for leaf in graph.leaf_nodes():
        if leaf[0] not in ("localities", "articles"):
            continue
        for key in graph.forwards_plan(leaf):
            if key in seen or key[0] not in ("localities", "articles"):
                continue
            seen.add(key)
            for operation in graph.nodes[key].operations:
                if not isinstance(operation, RunPython):
                    continue
                try:
                    with transaction.atomic():
                        operation.code(apps, schema_editor)
                except Exception:  # noqa: BLE001 - DDL helpers that need a real schema editor
                    continue


def restore_places() -> None:
    """Communes and sections for transactional tests (tests/conftest.py already replays them before
    each one; this covers helpers called after a flush within a test)."""
    from articles.models import Section
    from localities.models import Commune

    if not Commune.objects.exists() or not Section.objects.exists():
        replay_data_migrations()


def child_env(**overrides: str) -> dict[str, str]:
    env = os.environ.copy()
    env["DATABASE_URL"] = database_url_for_children()
    env.pop("NEWSROOM_TEST_DB_NAME", None)
    env.update(overrides)
    return env


@contextlib.contextmanager
def celery_worker(
    broker_url: str, *, broker_dir: str | None = None, extra_args: tuple[str, ...] = (), env: dict | None = None
) -> Iterator[subprocess.Popen]:
    """Start a real ``celery worker`` process on ``broker_url`` against the test database."""
    overrides = {"CELERY_BROKER_URL": broker_url, "PYTHONUNBUFFERED": "1"}
    if broker_dir:
        overrides["NEWSROOM_BROKER_DIR"] = broker_dir
    worker_env = child_env(**overrides)
    if env:
        worker_env.update(env)
    command = [sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--loglevel", "INFO", "--pool", "solo"]
    if broker_url.startswith("filesystem://"):
        command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    command += list(extra_args)
    log = open(ROOT / "var" / f"test-worker-{os.getpid()}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


class _FormFields(HTMLParser):
    """The fields a browser would post from a page's main form (#<model>_form)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def rendered_form_data(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    # A browser drops the first newline after <textarea>, as the HTML spec says.
    return {k: [v[1:] if v.startswith("\n") else v for v in values] for k, values in parser.data.items()}
