"""Two kinds of lock for polling: one poll per source, and at most NEWSROOM_FETCH_PER_HOST requests per host.

- On PostgreSQL both are advisory locks (``pg.py``): shared by every machine using the database,
  freed when a dead worker's connection drops, and taken with the source's row in one query.
- On SQLite (local mode, one machine) the source lease is a column set by one conditional UPDATE
  that expires by itself after NEWSROOM_LEASE_SECONDS, and host slots are file locks under var/,
  shared by the worker's processes. This is the readable reference of what the fast path does.

Neither keeps a transaction open during the fetch.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from articles.ingest import pg

logger = logging.getLogger(__name__)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def acquire_lease(source_id: int) -> datetime | None:
    """Take the source's lease; returns a token to release it, or None if another poll holds it."""
    from articles.models import Source

    now = timezone.now()
    if _on_postgresql():
        return now if pg.try_lease(source_id) else None
    until = now + timedelta(seconds=settings.NEWSROOM_LEASE_SECONDS)
    taken = (
        Source.objects.filter(pk=source_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=until)
    )
    return until if taken else None


def lease_expires_in(source_id: int) -> float | None:
    """Seconds until a held lease column expires; None on PostgreSQL, where a dead holder's lock is
    freed at once, so a held lock always means a live poll to step aside for."""
    from articles.models import Source

    if _on_postgresql():
        return None
    until = Source.objects.filter(pk=source_id).values_list("lease_until", flat=True).first()
    if until is None:
        return None
    return max(1.0, (until - timezone.now()).total_seconds() + 1)


def release_lease(source_id: int, token: datetime) -> None:
    from articles.models import Source

    if _on_postgresql():
        pg.unlock_lease(source_id)
        return
    Source.objects.filter(pk=source_id, lease_until=token).update(lease_until=None)


def drop_dead_connection() -> None:
    """After a database error outside a transaction: close the connection if it died.

    Its advisory locks died with it on the server, so the poll cannot go on (it lost its lease);
    closing it lets the next query, the one that records the error, open a fresh connection.
    """
    if not connection.in_atomic_block and not connection.is_usable():
        logger.warning("database connection lost during a poll; the next query reconnects")
        connection.close()


class HostBusy(Exception):
    pass


_known_hosts: dict[int, str] = {}  # source id -> host of its last poll in this process
_KNOWN_HOSTS_MAX = 100_000


class Lease:
    """A poll's locks: the source's lease, and the host slot held while fetching.

    On PostgreSQL the lease query also takes the slot of the host this process last polled the
    source on, so a usual poll locks in one round trip, and a 304 poll frees everything in the
    statement that records it (see ``release_sql``).
    """

    def __init__(self, source_id: int, token: datetime | None, slot: int = 0, slot_host: str = ""):
        self.source_id = source_id
        self.token = token
        self.slot = slot  # key of the advisory host slot held, 0 if none
        self.slot_host = slot_host
        self._file_release = None

    def hold_host(self, host: str, *, wait: float = 20.0) -> None:
        """Hold one of the host's NEWSROOM_FETCH_PER_HOST slots; HostBusy if none frees up in ``wait``."""
        if host == self.slot_host and (self.slot or self._file_release):
            return
        self.free_host()
        if len(_known_hosts) > _KNOWN_HOSTS_MAX:
            _known_hosts.clear()
        _known_hosts[self.source_id] = host
        limit = settings.NEWSROOM_FETCH_PER_HOST
        if not _on_postgresql():
            self._file_release = _file_slot(host, limit, wait)
            self.slot_host = host
            return
        deadline = time.monotonic() + wait
        while not (key := pg.try_slot(host, limit)):
            if time.monotonic() > deadline:
                raise HostBusy(f"{host} : déjà {limit} requêtes en cours.")
            time.sleep(0.05)
        self._held(key, host)

    def _held(self, key: int, host: str) -> None:
        self.slot, self.slot_host = key, host
        pg.held_slots.add((id(connection.connection), key))

    def free_host(self) -> None:
        if self._file_release:
            self._file_release()
            self._file_release = None
        if self.slot:
            key, self.slot = self.slot, 0
            try:
                pg.unlock_slot(key)
            except DatabaseError:
                drop_dead_connection()
                raise
        self.slot_host = ""

    def release_sql(self) -> tuple[str, list]:
        """PostgreSQL only: a SELECT freeing the slot and the lease, to send with a last write.

        Call ``released()`` once it has run; until then the lease still counts as held.
        """
        return pg.unlock_all_sql(self.source_id, self.slot)

    def released(self) -> None:
        if self.slot:
            pg.forget_slot(self.slot)  # freed by the message that ran release_sql()
            self.slot = 0
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
    holds the lease. On PostgreSQL it is one round trip (``pg.lease_and_load``).
    """
    from articles.models import Source

    if not _on_postgresql():
        token = acquire_lease(source_id)
        return Lease(source_id, token), Source.objects.filter(pk=source_id).first()
    host = _known_hosts.get(source_id, "")
    source = pg.lease_and_load(source_id, host, settings.NEWSROOM_FETCH_PER_HOST)
    if source is None:
        return Lease(source_id, None), None
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
