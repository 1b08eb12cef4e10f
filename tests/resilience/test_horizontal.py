"""Two workers, as on two machines (each its own broker connection), one database: the Procfile's
worker command, on real Redis, shares a polling round and polls no source twice."""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack

import pytest

from articles.management.commands.runstack import procfile
from articles.models import FetchLog, Source
from articles.tasks import dispatch_due_sources
from newsroom.celery import app
from tests.helpers import celery_worker, wait_until
from tests.resilience.latency import LatencyServer, steady_etag

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = 120


def _send_dispatch(broker: str) -> None:
    with app.connection_for_write(broker) as conn:
        dispatch_due_sources.apply_async(connection=conn)


def test_two_workers_share_a_round_and_poll_each_source_once(postgres, redis_broker_url):
    # Slow answers make the round last long enough (over 30 s for one worker alone) for both workers
    # to be up whatever their start-up times.
    server = LatencyServer(6, delay=1.0)
    Source.objects.bulk_create(
        Source(name=f"Source {n}", url=server.url(n, n), feed_url=server.url(n, n), etag=steady_etag(n))
        for n in range(SOURCES)
    )
    # The Procfile's own options (pool, log level) come last and win over the helper's. Each worker
    # signs its requests, so the server can tell who polled what.
    options = procfile()["worker"][4:]
    try:
        with ExitStack() as stack:
            for name in ("first", "second"):
                env = {"NEWSROOM_POLL_BATCH": "10", "NEWSROOM_FETCH_THREADS": "4", "NEWSROOM_USER_AGENT": name}
                args = (*options, "--concurrency", "1", "--hostname", f"{name}@%h")
                stack.enter_context(celery_worker(redis_broker_url, extra_args=args, env=env))
            _send_dispatch(redis_broker_url)
            wait_until(lambda: FetchLog.objects.count() >= SOURCES, timeout=180, message="the round never ended")
            _send_dispatch(redis_broker_url)  # nothing is due any more: nothing is polled again
            wait_until(lambda: not Source.objects.filter(queued_at__isnull=False).exists(), timeout=30)
    finally:
        server.stop()
    assert Counter(server.paths.values()) == Counter({1: SOURCES}), "a source was fetched twice"
    assert FetchLog.objects.count() == SOURCES
    shares = [server.agents[name] for name in ("first", "second")]
    assert sum(shares) == SOURCES and min(shares) > 0, f"the round was not shared: {shares}"
    assert server.most_at_once() <= 2
