"""What every bench shares: a PostgreSQL database of its own, and a child process that measures.

A bench's ``main()`` runs ``python -m bench.<name> --child`` with DATABASE_URL pointing at its own
database (created if missing), so it never touches another one; the child prints its report as a
JSON list of lines, last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
# The third-party corpora (feeds, XSS inputs, labelled real stories) are not in the repository:
# NEWSROOM_CORPORA names their folder (``make bench`` sets it). The parts that read them say they
# are skipped when it is unset or lacks the file.
CORPORA = Path(os.environ["NEWSROOM_CORPORA"]) if os.environ.get("NEWSROOM_CORPORA") else None


def corpus(relative: str) -> Path | None:
    """A file or folder of the corpora, or None when it is not there."""
    path = CORPORA / relative if CORPORA else None
    return path if path and path.exists() else None


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def child_env(database: str, cache_prefix: str, **extra: str | None) -> dict[str, str]:
    """The environment of a bench child; an ``extra`` value of None removes that variable."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=f"{PG}/{database}",
        DJANGO_LOG_LEVEL="WARNING",
        NEWSROOM_CACHE_PREFIX=cache_prefix,
    )
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_child(module: str, database: str, env: dict[str, str], timeout: int = 1800) -> list[str]:
    """Run ``python -m <module> --child`` on ``database``; its last output line is a JSON list."""
    create_database(database)
    result = subprocess.run(
        [sys.executable, "-m", module, "--child"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} child failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def entry(main, child) -> None:
    """A bench module run as a script: its database-side ``child`` with ``--child``, else its ``main``."""
    if "--child" in sys.argv:
        child()
    else:
        for line in main():
            print(line)
