"""Two kinds of lock for polling: one poll per source, and at most 2 requests per host.

- The source lease is a PostgreSQL advisory lock (shared by every machine using the database,
  freed when a dead worker's connection drops), or on SQLite a lease column set by one conditional
  UPDATE that expires by itself. Neither keeps a transaction open during the fetch.
- Host slots live in Redis when there is one (shared by every machine); without Redis (local
  mode, one machine) they are file locks under var/, shared by the worker's processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

LEASE_SECONDS = 120  # far above a poll's 20 s fetch plus its store
HOST_SLOT_SECONDS = 60  # a slot left by a dead worker frees itself after this


_LOCK_CLASS = 0x4E57  # namespaces our advisory locks ("NW")


def acquire_lease(source_id: int) -> datetime | None:
    """Take the source's lease; returns a token to release it, or None if another poll holds it.

    On PostgreSQL this is a session advisory lock: it holds across machines sharing the database
    and is freed the moment a killed worker's connection drops, so the redelivered task can poll.
    Elsewhere (SQLite, one machine) it is a lease column that expires by itself.
    """
    from django.db import connection

    from articles.models import Source

    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_CLASS, source_id % 2**31])
            return now if cursor.fetchone()[0] else None
    until = now + timedelta(seconds=LEASE_SECONDS)
    taken = (
        Source.objects.filter(pk=source_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until)
    )
    return until if taken else None


def lease_expires_in(source_id: int) -> float | None:
    """Seconds until a held lease column expires; None on PostgreSQL, where a dead holder's lock is
    freed at once, so a held lock always means a live poll to step aside for."""
    from django.db import connection

    from articles.models import Source

    if connection.vendor == "postgresql":
        return None
    until = Source.objects.filter(pk=source_id).values_list("lease_until", flat=True).first()
    if until is None:
        return None
    return max(1.0, (until - timezone.now()).total_seconds() + 1)


def release_lease(source_id: int, token: datetime) -> None:
    from django.db import connection

    from articles.models import Source

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_CLASS, source_id % 2**31])
        return
    Source.objects.filter(pk=source_id, lease_until=token).update(lease_until=None)


class HostBusy(Exception):
    pass


_SLOT_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""

_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    return _redis_client


@contextlib.contextmanager
def host_slot(host: str, *, wait: float = 20.0) -> Iterator[None]:
    """Hold one of the host's slots (NEWSROOM_FETCH_PER_HOST, 2) while fetching from it."""
    limit = settings.NEWSROOM_FETCH_PER_HOST
    release = _redis_slot(host, limit, wait) if settings.REDIS_URL else _file_slot(host, limit, wait)
    try:
        yield
    finally:
        release()


def _redis_slot(host: str, limit: int, wait: float):
    import redis

    key = f"newsroom:hostslots:{host}"
    member = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    client = _redis()
    try:
        script = client.register_script(_SLOT_SCRIPT)
        while True:
            now = time.time()
            if script(keys=[key], args=[now - HOST_SLOT_SECONDS, now, limit, member, HOST_SLOT_SECONDS]):
                break
            if time.monotonic() > deadline:
                raise HostBusy(f"{host} : déjà {limit} requêtes en cours.")
            time.sleep(0.05)
    except redis.RedisError:
        # Without Redis we still fetch: politeness must not stop ingestion altogether.
        logger.warning("host slots unavailable (Redis down); fetching %s without a slot", host)
        return lambda: None

    def release() -> None:
        with contextlib.suppress(redis.RedisError):  # the slot expires by itself
            client.zrem(key, member)

    return release


def _file_slot(host: str, limit: int, wait: float):
    folder = settings.VAR_DIR / "hostslots"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(host.encode()).hexdigest()[:16]
    deadline = time.monotonic() + wait
    while True:
        for index in range(limit):
            fd = os.open(folder / f"{digest}.{index}", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue

            def release(fd: int = fd) -> None:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

            return release
        if time.monotonic() > deadline:
            raise HostBusy(f"{host} : déjà {limit} requêtes en cours.")
        time.sleep(0.05)
