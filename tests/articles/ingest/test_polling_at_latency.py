"""Polling at internet latency: batches spread over hosts, polled on fetch threads, politely.

The server answers from many loopback hosts after a delay and counts the requests in flight per
host, as a remote site would see them. The dispatcher and ``poll_many`` (what a worker's poll task
runs) are called here as beat and two worker processes would, with real threads and connections.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from articles.ingest import poll
from articles.ingest.dispatch import dispatch_due, spread
from articles.models import FetchLog, Source
from tests.helpers import wait_until
from tests.resilience.latency import LatencyServer, steady_etag

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8  # 4 on SQLite, its default: one writer at a time


@pytest.fixture
def fetch_threads(settings, tmp_path) -> Iterator[None]:
    """A fresh pool of THREADS fetch threads; each closes its database connection at the end."""
    settings.VAR_DIR = tmp_path  # SQLite's host slots, apart from other runs'
    threads = THREADS if connection.vendor == "postgresql" else 4
    settings.NEWSROOM_FETCH_THREADS = threads
    poll._pool = None
    yield
    pool = poll.fetch_threads()
    closing = threading.Barrier(threads)

    def close() -> None:
        closing.wait(10)  # every thread takes one call
        connection.close()

    list(pool.map(lambda _: close(), range(threads)))
    pool.shutdown()
    poll._pool = None


class Workers:
    """Beat and ``consumers`` worker processes in miniature: dispatch every ``every`` seconds; each
    consumer polls one batch at a time with ``poll_many`` and sends back what it did not start."""

    def __init__(self, consumers: int = 2, every: float = 0.5, stall: float = poll.STALL_SECONDS):
        self.batches: queue.Queue = queue.Queue()
        self.every, self.stall = every, stall
        self.threads = [threading.Thread(target=self._consume, daemon=True) for _ in range(consumers)]
        for thread in self.threads:
            thread.start()

    def _consume(self) -> None:
        while (batch := self.batches.get()) is not None:
            outcome = poll.poll_many(batch, stall=self.stall)
            if outcome.not_started:
                self.batches.put(outcome.not_started)

    def run_until(self, done, timeout: float) -> None:
        try:
            wait_until(lambda: self._dispatch() or done(), timeout=timeout, interval=self.every)
        finally:
            for _ in self.threads:
                self.batches.put(None)
            for thread in self.threads:
                thread.join(30)

    def _dispatch(self) -> bool:
        dispatch_due(lambda batches: [self.batches.put(batch) for batch in batches])
        return False


def _sources(server: LatencyServer, host: int, numbers: range) -> list[Source]:
    return Source.objects.bulk_create(
        Source(name=f"Source {n}", url=server.url(host, n), feed_url=server.url(host, n), etag=steady_etag(n))
        for n in numbers
    )


def test_a_batch_holds_at_most_two_sources_of_a_host_and_reaches_as_many_hosts_as_it_can():
    by_host = {"big.example": list(range(100)), "a.example": [100, 101, 102], "b.example": [103]}
    batches = spread(by_host, size=5, per_host=2)
    assert sorted(i for batch in batches for i in batch) == list(range(104))
    assert batches[0] == [0, 100, 103, 1, 101]
    for batch in batches:
        assert len(batch) <= 5
        assert sum(i < 100 for i in batch) <= 2


def test_one_dispatch_queues_at_most_its_share_of_a_host(settings, django_capture_on_commit_callbacks):
    settings.NEWSROOM_DISPATCH_PER_HOST = 10
    settings.NEWSROOM_POLL_BATCH = 4
    big = [Source.objects.create(name=f"Big {n}", url=f"https://big.example/{n}") for n in range(50)]
    small = Source.objects.create(name="Small", url="https://small.example/feed")
    sent: list = []
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due(sent.extend) == 11
    queued = [i for batch in sent for i in batch]
    assert small.pk in sent[0], "the small host is not queued behind the big one"
    assert sorted(queued) == sorted([s.pk for s in big[:10]] + [small.pk])
    assert Source.objects.filter(queued_at__isnull=False).count() == 11


def test_a_crowded_host_is_polled_two_at_a_time_without_starving_the_rest(settings, fetch_threads):
    # 400 sources on one host, 150 on SQLite (a thousand takes minutes here; the rule is the same).
    big, others = (400 if connection.vendor == "postgresql" else 150), 40
    settings.NEWSROOM_DISPATCH_PER_HOST = 100
    settings.NEWSROOM_POLL_BATCH = 16
    server = LatencyServer(11, delay=0.01)
    try:
        crowd = _sources(server, 0, range(big))
        rest = [s for host in range(1, 11) for s in _sources(server, host, range(big + host * 10, big + host * 10 + 4))]
        assert len(rest) == others
        # Every host answers here: batches wait for all their polls (the cut for silent hosts is
        # tested below), so the order polls run in is the dispatcher's alone.
        Workers(stall=60).run_until(lambda: FetchLog.objects.count() >= big + others, timeout=240)
    finally:
        server.stop()
    assert server.stats[server.addresses[0]].most <= 2, "more than two requests at once to one host"
    assert server.stats[server.addresses[0]].most == 2, "the host's two slots were not both used"
    assert set(server.paths.values()) == {1}, "a source was fetched twice"
    assert not FetchLog.objects.exclude(outcome__in=["ok", "not_modified"]).exists()
    crowd_starts = sorted(FetchLog.objects.filter(source__in=crowd).values_list("started", flat=True))
    last_of_the_rest = max(FetchLog.objects.filter(source__in=rest).values_list("started", flat=True))
    # The rest is done before the crowded host is half polled (in fact within the first dispatch).
    assert last_of_the_rest < crowd_starts[big // 2], "the other hosts waited behind the crowded one"


def test_a_host_that_never_answers_holds_a_slot_at_most_the_total_timeout_and_blocks_no_other(settings, fetch_threads):
    timeout = 10  # long enough for the other hosts' polls on a busy machine
    settings.NEWSROOM_FETCH_TOTAL_TIMEOUT = timeout
    server = LatencyServer(5, delay=0.05, hanging=("127.0.0.2",))
    silent = server.stats["127.0.0.2"]
    try:
        stuck = _sources(server, 0, range(3))
        rest = [s for host in range(1, 5) for s in _sources(server, host, range(host * 10, host * 10 + 5))]
        workers = Workers(consumers=1)
        workers.run_until(lambda: FetchLog.objects.filter(source__in=rest).count() == len(rest), timeout=60)
        # Every other host was polled while the silent one still held its first two requests: the
        # third stuck source can only start once one of them has timed out, leaving one held.
        assert silent.now == 2
        wait_until(lambda: FetchLog.objects.filter(source__in=stuck).count() == 3, timeout=3 * timeout + 10)
    finally:
        server.stop()
    assert silent.most == 2 and len(silent.held) == 3
    assert max(silent.held) < timeout + 1, f"a request was held {max(silent.held):.1f} s"
    assert all("Délai dépassé" in log.error for log in FetchLog.objects.filter(source__in=stuck))
    assert not FetchLog.objects.filter(source__in=rest).exclude(outcome__in=["ok", "not_modified"]).exists()
