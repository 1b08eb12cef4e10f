"""PostgreSQL becomes unreachable in the middle of a poll run by a real worker.

The worker reaches the database through a TCP proxy that the test cuts (every connection dropped,
new ones refused), as when the database host goes away. Expected: the worker survives and logs the
failure, nothing is half-written, and the poll runs again later and stores everything.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from articles.ingest.dispatch import due_sources
from articles.ingest.poll import poll_source as poll_now
from articles.models import Article, FetchLog, Source
from articles.tasks import poll_source
from newsroom.celery import app
from tests.builders import numbered_items, rss_from_items
from tests.helpers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _through(proxy, connection) -> str:
    settings_dict = connection.settings_dict
    return f"postgres://{settings_dict['USER']}@127.0.0.1:{proxy.port}/{settings_dict['NAME']}?connect_timeout=2"


def _start_poll(broker: str, source: Source, hostile_server) -> None:
    with app.connection_for_write(broker) as conn:
        poll_source.apply_async(args=[source.pk], connection=conn)
    wait_until(lambda: hostile_server.hits("/feed.xml") == 1, timeout=60, message="the poll never started")


@contextmanager
def _worker_in_a_hung_poll(postgres, db_proxy, private_redis, hostile_server):
    """A real worker, reaching PostgreSQL through the proxy, in the middle of polling a feed whose
    server holds its answer (``hostile_server.release()`` lets it go). Yields (worker, source, broker)."""
    hostile_server.serve("/feed.xml", rss_from_items(numbered_items(8, "Sète")), behaviour="hang")
    source = Source.objects.create(name="Sète Actu", url=hostile_server.url("/feed.xml"))
    broker = private_redis.url(1)
    env = {"REDIS_URL": private_redis.url(0), "DATABASE_URL": _through(db_proxy, postgres)}
    with celery_worker(broker, env=env) as worker:
        _start_poll(broker, source, hostile_server)
        yield worker, source, broker


def _runs_again_later(source: Source, entries: int) -> None:
    # Later (a dead poll's lease has expired, the retry delay has passed) the dispatcher queues the
    # source again and the poll stores every entry, once.
    later = timezone.now() + timedelta(seconds=settings.NEWSROOM_LEASE_SECONDS + 3600)
    with time_machine.travel(later, tick=False):
        assert source.pk in due_sources(1000), "the source is never polled again"
        result = poll_now(source.pk)
    assert result.status == "ok", result
    assert Article.objects.filter(source=source).count() == entries


def test_a_poll_whose_database_connection_drops_records_the_error_and_runs_again_later(
    postgres, db_proxy, private_redis, hostile_server
):
    with _worker_in_a_hung_poll(postgres, db_proxy, private_redis, hostile_server) as (worker, source, _):
        db_proxy.drop()  # the connection the poll holds dies; the database itself answers again
        hostile_server.release()
        failed = wait_until(
            lambda: FetchLog.objects.filter(source=source, outcome=FetchLog.Outcome.ERROR).first(),
            timeout=60,
            message="the failed poll was not recorded",
        )
        assert "OperationalError" in failed.error
        assert worker.poll() is None, "the worker died with its database connection"
    source.refresh_from_db()
    assert source.error_count == 1 and "OperationalError" in source.last_error
    assert Article.objects.filter(source=source).count() == 0, "a poll must never be half-written"
    _runs_again_later(source, 8)


def test_a_poll_that_cannot_reach_the_database_logs_it_writes_nothing_and_runs_again_later(
    postgres, db_proxy, private_redis, hostile_server
):
    with _worker_in_a_hung_poll(postgres, db_proxy, private_redis, hostile_server) as (worker, source, broker):
        db_proxy.cut()  # the database host is gone: no connection, old or new
        hostile_server.release()
        log = _worker_log()
        wait_until(
            lambda: "could not record the failed poll" in log.read_text() or "Connection refused" in log.read_text(),
            timeout=60,
            message="the worker did not log the unreachable database",
        )
        assert worker.poll() is None, "the worker died with the database"
        db_proxy.restore()
        with app.connection_for_write(broker) as conn:  # the worker keeps working once it is back
            from articles.tasks import heartbeat

            heartbeat.apply_async(args=["after-outage"], connection=conn)
        from articles.models import WorkerHeartbeat

        wait_until(lambda: WorkerHeartbeat.objects.filter(name="after-outage").exists(), timeout=60)
    assert Article.objects.filter(source=source).count() == 0, "a poll must never be half-written"
    assert FetchLog.objects.filter(source=source).count() == 0
    _runs_again_later(source, 8)


def test_a_poll_whose_fetch_fails_records_the_error_and_schedules_a_retry(hostile_server):
    source = Source.objects.create(name="Sète Actu", url=hostile_server.url("/absent.xml"))
    before = timezone.now()
    result = poll_now(source.pk)
    assert result.status == "error" and "404" in result.error
    source.refresh_from_db()
    assert source.error_count == 1 and "404" in source.last_error
    assert source.next_check_at > before
    assert FetchLog.objects.get(source=source).outcome == FetchLog.Outcome.ERROR
    assert source.lease_until is None


def _worker_log():
    import os

    from tests.helpers import ROOT

    return ROOT / "var" / f"test-worker-{os.getpid()}.log"
