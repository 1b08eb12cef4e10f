"""Fixtures for the resilience tests: a private Redis server and a proxy in front of PostgreSQL (the
hostile HTTP server is in tests/conftest.py: the browser tests use it too). The servers are in servers.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.helpers import missing_service
from tests.resilience.servers import RedisServer, TcpProxy, start_private_redis


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        missing_service("redis-server", "the binary is not installed (apt-get install redis-server)")
    server = start_private_redis(tmp_path / "redis.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def db_proxy(postgres) -> Iterator[TcpProxy]:
    settings_dict = postgres.settings_dict
    proxy = TcpProxy((settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)))
    try:
        yield proxy
    finally:
        proxy.close()
