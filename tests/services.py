"""Loaded by pytest (``-p tests.services``) before Django reads its settings.

- By default the suite uses PostgreSQL and Redis when they answer on their usual local ports
  (or wherever DATABASE_URL / REDIS_URL point), and SQLite with the embedded broker otherwise.
- ``NEWSROOM_TEST_SERVICES=none`` forces the zero-setup default: SQLite and the embedded broker.
- ``REQUIRE_SERVICES=1`` turns a missing service into a failure instead of a loud skip
  (see the ``postgres`` and ``redis_url`` fixtures in conftest.py).
- Parallel runs on one machine keep apart with NEWSROOM_TEST_DB_NAME and NEWSROOM_TEST_REDIS_DB.
- Under pytest-xdist (``-n 2``) each worker gets its own test database (pytest-django adds ``_gw<n>``
  to its name) and its own Redis database: worker gw<n> uses the suite's Redis database plus n for
  the cache, and that plus 8 for the broker tests (the ``redis_broker_url`` fixture).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit, urlunsplit

# The broker tests use the cache's Redis database plus this (conftest.py): databases 0-7 are caches.
BROKER_DB_OFFSET = 8


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def xdist_worker_index() -> int:
    """n in pytest-xdist's worker gw<n> (xdist sets PYTEST_XDIST_WORKER before loading plugins); 0 otherwise."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


def _worker_redis_url(url: str, index: int) -> str:
    """``url`` moved ``index`` Redis databases up, so that parallel workers never flush each other's."""
    parts = urlsplit(url)
    base = parts.path.strip("/")
    db = (int(base) if base.isdigit() else 0) + index
    if db >= BROKER_DB_OFFSET:
        raise SystemExit(f"xdist worker gw{index} would use Redis database {db}: start from a lower one than {url}")
    return urlunsplit(parts._replace(path=f"/{db}"))


def _configure() -> None:
    mode = os.environ.get("NEWSROOM_TEST_SERVICES", "auto")
    if mode == "none":
        for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
            os.environ.pop(name, None)
    elif mode == "auto":
        if not os.environ.get("DATABASE_URL") and port_answers("127.0.0.1", 5432):
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
        if not os.environ.get("REDIS_URL") and port_answers("127.0.0.1", 6379):
            os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{os.environ.get('NEWSROOM_TEST_REDIS_DB', '0')}"
    else:
        raise SystemExit(f"NEWSROOM_TEST_SERVICES must be 'auto' or 'none', not {mode!r}")
    if os.environ.get("REDIS_URL") and xdist_worker_index():
        os.environ["REDIS_URL"] = _worker_redis_url(os.environ["REDIS_URL"], xdist_worker_index())
    os.environ["NEWSROOM_TESTING"] = "1"
    # Tests fetch from a local HTTP server on loopback, which production refuses.
    os.environ.setdefault("NEWSROOM_ALLOW_PRIVATE_FETCH", "1")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # Playwright's sync API runs an event loop in the test thread; the ORM calls made there are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def services() -> str:
    """What the suite runs on once configured: "PostgreSQL + Redis" or "SQLite + embedded broker"."""
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    broker = "Redis" if os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") else "embedded broker"
    return f"{database} + {broker}"


_configure()

if __name__ == "__main__":
    # `make test` prints this first, decided exactly as the suite decides it.
    print(f"Tests on {services()}")
