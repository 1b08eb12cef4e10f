from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from tests.services import port_answers

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(service: str, why: str):
    message = f"{service} is not available: {why}"
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 and {message}", pytrace=False)
    pytest.skip(f"SERVICE MISSING — {message}")


@pytest.fixture
def postgres(db):
    """Skip (or fail under REQUIRE_SERVICES=1) unless the suite runs on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _missing("PostgreSQL", "the suite runs on SQLite (set DATABASE_URL or start PostgreSQL on :5432)")
    return connection


@pytest.fixture
def redis_url() -> str:
    """The Redis server's URL. Skips (or fails under REQUIRE_SERVICES=1) when Redis does not answer."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("NEWSROOM_TEST_SERVICES") == "none":
            _missing("Redis", "NEWSROOM_TEST_SERVICES=none selects the embedded broker")
        _missing("Redis", "REDIS_URL is unset and nothing answers on 127.0.0.1:6379")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        _missing("Redis", f"{url} does not answer ({exc})")
    return url


@pytest.fixture
def redis_broker_url(redis_url) -> str:
    """A Redis database for broker tests, apart from the cache's, emptied before use."""
    import redis

    base, _, db = redis_url.rpartition("/")
    index = (int(db) if db.isdigit() else 0) + 8
    url = f"{base}/{index}"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_report_header(config):
    return [
        f"newsroom services: DATABASE_URL={os.environ.get('DATABASE_URL', '(SQLite)')} "
        f"REDIS_URL={os.environ.get('REDIS_URL', '(none: embedded broker, local-memory cache)')} "
        f"REQUIRE_SERVICES={'1' if REQUIRE_SERVICES else '0'}",
        f"postgres:5432 answers={port_answers('127.0.0.1', 5432)} redis:6379 answers={port_answers('127.0.0.1', 6379)}",
    ]


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


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (real workers, live server) run after a flush: give them the reference data."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        marker = request.node.get_closest_marker("django_db")
        if not (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))):
            yield
            return
    request.getfixturevalue("transactional_db")
    from localities.models import Commune

    if not Commune.objects.exists():
        replay_data_migrations()
    yield
