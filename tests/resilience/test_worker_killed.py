"""A real worker is killed with SIGKILL in the middle of a poll: the poll runs again, each entry once."""

from __future__ import annotations

import pytest

from articles.ingest.poll import poll_source as poll_now
from articles.models import Article, Source
from articles.tasks import poll_source
from newsroom.celery import app
from tests.builders import numbered_items, rss_from_items
from tests.helpers import celery_worker, wait_until
from tests.resilience.servers import child_pids, sigkill

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = 12
# On SQLite a dead process's lease (a column) has to expire before the poll can run again: the
# workers get a short one, so the test waits seconds, not the production default's two minutes.
LEASE_SECONDS = 5
RERUN_WITHIN = LEASE_SECONDS + 45


def _send_poll(broker_url: str, source_id: int) -> None:
    with app.connection_for_write(broker_url) as conn:
        poll_source.apply_async(args=[source_id], connection=conn)


def _source_mid_poll(hostile_server) -> Source:
    # The feed hangs until released, so the test knows the poll is in flight when it kills.
    hostile_server.serve("/feed.xml", rss_from_items(numbered_items(ENTRIES, "Mèze")), behaviour="hang")
    return Source.objects.create(name="Mèze Actu", url=hostile_server.url("/feed.xml"))


def _all_stored_once(source: Source) -> None:
    guids = list(Article.objects.filter(source=source).values_list("guid", flat=True))
    assert len(guids) == ENTRIES and len(set(guids)) == ENTRIES
    # A further forced poll finds every entry already there.
    result = poll_now(source.pk, force=True)
    assert (result.status, result.new) in {("ok", 0), ("not_modified", 0)}
    assert Article.objects.filter(source=source).count() == ENTRIES


def test_a_pool_process_killed_mid_poll_is_redelivered_and_stores_each_entry_once(private_redis, hostile_server):
    source = _source_mid_poll(hostile_server)
    broker = private_redis.url(1)
    env = {"REDIS_URL": private_redis.url(0), "NEWSROOM_LEASE_SECONDS": str(LEASE_SECONDS)}
    with celery_worker(broker, extra_args=("--pool", "prefork", "--concurrency", "1"), env=env) as worker:
        _send_poll(broker, source.pk)
        wait_until(lambda: hostile_server.hits("/feed.xml") == 1, timeout=60, message="the poll never started")
        children = child_pids(worker.pid)
        assert len(children) == 1, children
        sigkill(children[0])
        hostile_server.release()
        wait_until(
            lambda: Article.objects.filter(source=source).count() == ENTRIES,
            timeout=RERUN_WITHIN,
            message="the killed poll was not run again (is the source's lease still held by the dead process?)",
        )
        assert worker.poll() is None, "the worker's main process should survive its pool process"
    _all_stored_once(source)


def test_a_whole_worker_killed_mid_poll_leaves_the_poll_to_the_next_worker(private_redis, hostile_server):
    source = _source_mid_poll(hostile_server)
    broker = private_redis.url(1)
    # 30 s is the shortest redelivery delay settings accept; production uses 600 s.
    env = {
        "REDIS_URL": private_redis.url(0),
        "NEWSROOM_VISIBILITY_TIMEOUT": "30",
        "NEWSROOM_BROKER_RESTORE_SECONDS": "5",  # production sweeps for lost tasks every 100 s
        "NEWSROOM_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    with celery_worker(broker, env=env) as first:
        _send_poll(broker, source.pk)
        wait_until(lambda: hostile_server.hits("/feed.xml") == 1, timeout=60, message="the poll never started")
        sigkill(first.pid)
        first.wait(timeout=10)
    hostile_server.release()
    assert Article.objects.filter(source=source).count() == 0, "nothing may be half-written"
    with celery_worker(broker, env=env) as second:
        wait_until(
            lambda: Article.objects.filter(source=source).count() == ENTRIES or second.poll() is not None,
            timeout=30 + RERUN_WITHIN,
            message="the poll of the killed worker was never run again",
        )
        assert second.poll() is None
    _all_stored_once(source)
