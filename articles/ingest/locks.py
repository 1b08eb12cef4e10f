"""Two kinds of lock for polling: one poll per source, and at most 2 requests per host.

- The source lease is a PostgreSQL advisory lock (shared by every machine using the database,
  freed when a dead worker's connection drops), or on SQLite a lease column set by one conditional
  UPDATE that expires by itself. Neither keeps a transaction open during the fetch.
- Host slots are PostgreSQL advisory locks too (shared by every machine, taken in the same
  query as the lease); on SQLite (local mode, one machine) they are file locks under var/,
  shared by the worker's processes.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

LEASE_SECONDS = 120  # far above a poll's 20 s fetch plus its store


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


def drop_dead_connection() -> None:
    """After a database error outside a transaction: close the connection if it died.

    Its advisory locks died with it on the server, so the poll cannot go on (it lost its lease);
    closing it lets the next query, the one that records the error, open a fresh connection.
    """
    from django.db import connection

    if not connection.in_atomic_block and not connection.is_usable():
        logger.warning("database connection lost during a poll; the next query reconnects")
        connection.close()


class HostBusy(Exception):
    pass


_HOST_CLASS = 0x4E48  # namespaces the host-slot advisory locks ("NH")
_held_slots: set[tuple[int, int]] = set()  # (connection id, key): advisory locks are re-entrant per session
_known_hosts: dict[int, str] = {}  # source id -> host of its last poll in this process
_KNOWN_HOSTS_MAX = 100_000


def _slot_keys(host: str, limit: int) -> list[int]:
    keys = []
    for index in range(limit):
        key = zlib.crc32(f"{host}#{index}".encode()) or 1  # 0 means "no slot" below
        keys.append(key - 2**32 if key >= 2**31 else key)
    return keys


def _slot_sql(host: str, limit: int, connection) -> tuple[str, list]:
    """An SQL expression taking the first free slot of the host: its key, or 0 if all are taken."""
    keys = [key for key in _slot_keys(host, limit) if (id(connection.connection), key) not in _held_slots]
    if not keys:
        return "0", []
    parts = " ".join("WHEN pg_try_advisory_lock(%s, %s) THEN %s" for _ in keys)
    return f"(CASE {parts} ELSE 0 END)", [value for key in keys for value in (_HOST_CLASS, key, key)]


class Lease:
    """A poll's locks: the source's lease, and the host slot held while fetching.

    On PostgreSQL both are advisory locks: shared by every machine using the database, and freed
    the moment a killed worker's connection drops. The lease query also takes the slot of the
    host this process last polled the source on, so a usual poll locks in one round trip, and a
    304 poll frees everything in the statement that records it (see ``release_sql``).
    Elsewhere (SQLite, one machine) the lease is a column and the slots are file locks.
    """

    def __init__(self, source_id: int, token: datetime | None, slot: int = 0, slot_host: str = ""):
        self.source_id = source_id
        self.token = token
        self.slot = slot  # key of the advisory host slot held, 0 if none
        self.slot_host = slot_host
        self._file_release = None

    def hold_host(self, host: str, *, wait: float = 20.0) -> None:
        """Hold one of the host's NEWSROOM_FETCH_PER_HOST slots; HostBusy if none frees up in ``wait``."""
        from django.db import connection

        if host == self.slot_host and (self.slot or self._file_release):
            return
        self.free_host()
        if len(_known_hosts) > _KNOWN_HOSTS_MAX:
            _known_hosts.clear()
        _known_hosts[self.source_id] = host
        if connection.vendor != "postgresql":
            self._file_release = _file_slot(host, settings.NEWSROOM_FETCH_PER_HOST, wait)
            self.slot_host = host
            return
        connection.ensure_connection()
        expression, params = _slot_sql(host, settings.NEWSROOM_FETCH_PER_HOST, connection)
        deadline = time.monotonic() + wait
        with connection.cursor() as cursor:
            while True:
                cursor.execute(f"SELECT {expression}", params)
                key = cursor.fetchone()[0]
                if key:
                    break
                if time.monotonic() > deadline:
                    raise HostBusy(f"{host} : déjà {settings.NEWSROOM_FETCH_PER_HOST} requêtes en cours.")
                time.sleep(0.05)
        self._held(key, host)

    def _held(self, key: int, host: str) -> None:
        from django.db import connection

        self.slot, self.slot_host = key, host
        _held_slots.add((id(connection.connection), key))

    def free_host(self) -> None:
        from django.db import connection

        if self._file_release:
            self._file_release()
            self._file_release = None
        if self.slot:
            sql, params = self._free_slot_sql()
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {sql}", params)
            except DatabaseError:
                drop_dead_connection()
                raise
        self.slot_host = ""

    def _free_slot_sql(self) -> tuple[str, list]:
        from django.db import connection

        _held_slots.discard((id(connection.connection), self.slot))
        key, self.slot = self.slot, 0
        return "pg_advisory_unlock(%s, %s)", [_HOST_CLASS, key]

    def release_sql(self) -> tuple[str, list]:
        """PostgreSQL only: a SELECT freeing the slot and the lease, to send with a last write.

        Call ``released()`` once it has run; until then the lease still counts as held.
        """
        parts = ["pg_advisory_unlock(%s, %s)"]
        params = [_LOCK_CLASS, self.source_id % 2**31]
        if self.slot:
            parts.append("pg_advisory_unlock(%s, %s)")
            params += [_HOST_CLASS, self.slot]
        return "SELECT " + ", ".join(parts), params

    def released(self) -> None:
        if self.slot:
            self._free_slot_sql()
        self.slot_host = ""
        self.token = None

    def release(self) -> None:
        """Free whatever is still held; safe to call twice."""
        self.free_host()
        if self.token is not None:
            release_lease(self.source_id, self.token)
            self.token = None


def lease_and_load(source_id: int):
    """Take the source's lease and read the source: ``(lease, source)``.

    ``source`` is None when there is no such source; ``lease.token`` is None when another poll
    holds the lease. On PostgreSQL it is one round trip: the advisory locks are taken in the
    SELECT that reads the row.
    """
    from django.db import connection

    from articles.models import Source

    if connection.vendor != "postgresql":
        token = acquire_lease(source_id)
        return Lease(source_id, token), Source.objects.filter(pk=source_id).first()
    connection.ensure_connection()
    host = _known_hosts.get(source_id, "")
    slot_sql, slot_params = _slot_sql(host, settings.NEWSROOM_FETCH_PER_HOST, connection) if host else ("0", [])
    table = connection.ops.quote_name(Source._meta.db_table)
    rows = list(
        Source.objects.raw(
            # NULL: the lease is held elsewhere (and no slot was asked for); else the slot's key or 0.
            f"SELECT CASE WHEN pg_try_advisory_lock(%s, %s) THEN {slot_sql} END AS held_slot, * "
            f"FROM {table} WHERE id = %s",
            [_LOCK_CLASS, source_id % 2**31, *slot_params, source_id],
        )
    )
    if not rows:
        return Lease(source_id, None), None
    source = rows[0]
    if source.held_slot is None:
        return Lease(source_id, None), source
    lease = Lease(source_id, timezone.now())
    if source.held_slot:
        lease._held(source.held_slot, host)
    return lease, source


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
