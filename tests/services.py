"""Loaded by pytest (``-p tests.services``) before Django reads its settings.

- By default the suite uses PostgreSQL and Redis when they answer on their usual local ports
  (or wherever DATABASE_URL / REDIS_URL point), and SQLite with the embedded broker otherwise.
- ``NEWSROOM_TEST_SERVICES=none`` forces the zero-setup default: SQLite and the embedded broker.
- ``REQUIRE_SERVICES=1`` turns a missing service into a failure instead of a loud skip
  (see the ``postgres`` and ``redis_url`` fixtures in conftest.py).
- Parallel runs on one machine keep apart with NEWSROOM_TEST_DB_NAME and NEWSROOM_TEST_REDIS_DB.
"""

from __future__ import annotations

import os
import socket


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


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
