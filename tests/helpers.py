"""Plain helpers shared by the tests: waiting with a deadline, and running real Celery workers."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


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


def test_database_url() -> str:
    """A DATABASE_URL for the database this test runs on, so child processes share it."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    user = settings_dict.get("USER") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = os.environ.copy()
    env["DATABASE_URL"] = test_database_url()
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
