from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers import REQUIRE_SERVICES, missing_service, replay_data_migrations
from tests.resilience.servers import HostileServer
from tests.services import BROKER_DB_OFFSET, port_answers


@pytest.fixture
def postgres(db):
    """Skip (or fail under REQUIRE_SERVICES=1) unless the suite runs on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        missing_service("PostgreSQL", "the suite runs on SQLite (set DATABASE_URL or start PostgreSQL on :5432)")
    return connection


@pytest.fixture
def redis_url() -> str:
    """The Redis server's URL. Skips (or fails under REQUIRE_SERVICES=1) when Redis does not answer."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("NEWSROOM_TEST_SERVICES") == "none":
            missing_service("Redis", "NEWSROOM_TEST_SERVICES=none selects the embedded broker")
        missing_service("Redis", "REDIS_URL is unset and nothing answers on 127.0.0.1:6379")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        missing_service("Redis", f"{url} does not answer ({exc})")
    return url


@pytest.fixture
def redis_broker_url(redis_url) -> str:
    """A Redis database for broker tests, apart from the cache's, emptied before use."""
    import redis

    base, _, db = redis_url.rpartition("/")
    index = (int(db) if db.isdigit() else 0) + BROKER_DB_OFFSET
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


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer().start()
    try:
        yield server
    finally:
        server.stop()
