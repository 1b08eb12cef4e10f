"""The locks of a poll: one poll per source (the lease), and at most two requests per host."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.ingest import locks
from articles.ingest.poll import poll_source
from articles.models import Source
from tests.builders import make_feed_source, simple_feed

pytestmark = pytest.mark.django_db


def _hold_lease_elsewhere(source_id: int, taken: threading.Event, done: threading.Event) -> None:
    # Another worker: its own thread, hence its own database connection (session).
    from django.db import connection

    token = locks.acquire_lease(source_id)
    taken.set()
    done.wait(10)
    locks.release_lease(source_id, token)
    connection.close()


def test_a_source_already_being_polled_is_not_polled_twice(httpserver):
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    source = make_feed_source(httpserver.url_for("/feed"))
    from django.db import connection

    if connection.vendor != "postgresql":
        # The SQLite lease is a column, not tied to a session: holding it here is holding it elsewhere.
        token = locks.acquire_lease(source.id)
        assert token is not None and locks.acquire_lease(source.id) is None
        assert poll_source(source.id, force=True).status == "skipped"
        locks.release_lease(source.id, token)
        assert poll_source(source.id, force=True).status == "ok"
        return
    taken, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_lease_elsewhere, args=(source.id, taken, done))
    holder.start()
    try:
        assert taken.wait(10)
        assert poll_source(source.id, force=True).status == "skipped"
        assert httpserver.log == []
    finally:
        done.set()
        holder.join()
    assert poll_source(source.id, force=True).status == "ok"


def test_an_expired_lease_from_a_dead_worker_is_taken_over():
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the lease is an advisory lock, freed when the dead worker's connection drops")
    source = make_feed_source("https://x.example/feed")
    Source.objects.filter(pk=source.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert locks.acquire_lease(source.id) is not None


def test_at_most_two_requests_go_to_one_host_at_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # SQLite's file slots; PostgreSQL's are advisory locks
    holding = [locks.Lease(0, None), locks.Lease(0, None)]
    for lease in holding:
        lease.hold_host("thau.example", wait=1)
    try:
        with pytest.raises(locks.HostBusy):
            locks.Lease(0, None).hold_host("thau.example", wait=0.2)
        other = locks.Lease(0, None)
        other.hold_host("other.example", wait=0.2)
        other.free_host()
    finally:
        for lease in holding:
            lease.free_host()
    again = locks.Lease(0, None)
    again.hold_host("thau.example", wait=0.2)
    again.release()


def test_on_sqlite_host_slots_are_file_locks_shared_by_the_worker_processes(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    results = []
    first, second = locks._file_slot("thau.example", 2, 1), locks._file_slot("thau.example", 2, 1)

    def third():
        try:
            locks._file_slot("thau.example", 2, 0.2)()
            results.append("got")
        except locks.HostBusy:
            results.append("busy")

    thread = threading.Thread(target=third)
    thread.start()
    thread.join()
    first()
    third()
    second()
    assert results == ["busy", "got"]


def _hold_host_slots_elsewhere(host: str, count: int, taken: threading.Event, done: threading.Event) -> None:
    from django.db import connection

    leases = [locks.Lease(0, None) for _ in range(count)]
    for lease in leases:
        lease.hold_host(host, wait=1)
    taken.set()
    done.wait(10)
    for lease in leases:
        lease.free_host()
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_host_slots_are_shared_by_every_worker_using_the_database(httpserver):
    """Two slots taken by another worker (its own connection): a poll of that host waits, then
    reports the host busy without fetching and without counting an error."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("on SQLite (one machine) the slots are file locks, tested above")
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    source = make_feed_source(httpserver.url_for("/feed"))
    taken, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_host_slots_elsewhere, args=("localhost", 2, taken, done))
    holder.start()
    try:
        assert taken.wait(10)
        lease = locks.Lease(source.id, None)
        with pytest.raises(locks.HostBusy):
            lease.hold_host("localhost", wait=0.2)
    finally:
        done.set()
        holder.join()
    assert poll_source(source.id, force=True).status == "ok"
    assert poll_source(source.id, force=True).status == "not_modified"


@pytest.mark.django_db(transaction=True)
def test_a_failed_record_keeps_the_connection_usable_and_frees_every_lock():
    """The 304 record and the unlocks go in one message; a write that fails must not leave the
    connection inside a broken transaction, nor the source or its host locked."""
    from django.db import IntegrityError, connection

    from articles.ingest.store import save_poll_state
    from articles.models import FetchLog

    if connection.vendor != "postgresql":
        pytest.skip("the one-message record is PostgreSQL's; SQLite saves in a transaction")
    source = make_feed_source("https://thau.example/feed")
    lease, loaded = locks.lease_and_load(source.id)
    lease.hold_host("thau.example")
    assert lease.token is not None and lease.slot
    loaded.interval = 1  # below the table's CHECK constraint: the UPDATE fails for real
    with pytest.raises(IntegrityError):
        save_poll_state(loaded, ["interval"], FetchLog(source_id=source.id, outcome="ok"), release=lease)
    assert Source.objects.filter(pk=source.id).exists()  # the connection still answers
    assert lease.token is not None and lease.slot  # not released by the failed message...
    lease.release()  # ...so the caller frees them
    taken, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_host_slots_elsewhere, args=("thau.example", 2, taken, done))
    holder.start()
    assert taken.wait(5)
    done.set()
    holder.join()
    again, _ = locks.lease_and_load(source.id)
    assert again.token is not None
    again.release()
    assert FetchLog.objects.filter(source_id=source.id).count() == 0  # nothing half-written
