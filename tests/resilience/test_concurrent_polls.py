"""The same source polled by 10 threads at once: one poll runs, the others step aside, no duplicates."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from articles.ingest.poll import poll_source
from articles.models import Article, FetchLog, Source
from tests.builders import numbered_items, rss_from_items
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _poll_in_thread(source_id: int, force: bool) -> str:
    try:
        return poll_source(source_id, force=force).status
    finally:
        connection.close()


@pytest.mark.parametrize("force", [False, True], ids=["due", "forced"])
def test_ten_simultaneous_polls_of_one_source_run_once_and_store_each_entry_once(hostile_server, force):
    # The feed answers only when the test says so, so all ten polls overlap for certain.
    hostile_server.serve("/feed.xml", rss_from_items(numbered_items(12, "Balaruc")), behaviour="hang")
    source = Source.objects.create(name="Balaruc Actu", url=hostile_server.url("/feed.xml"))
    started = threading.Barrier(10)

    def one_poll() -> str:
        started.wait(timeout=30)
        return _poll_in_thread(source.pk, force)

    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(one_poll) for _ in range(10)]
        wait_until(lambda: sum(f.done() for f in futures) == 9, timeout=60, message="nine polls should step aside")
        assert hostile_server.hits("/feed.xml") == 1
        hostile_server.release()
        statuses = sorted(f.result(timeout=60) for f in futures)

    assert statuses == ["ok"] + ["skipped"] * 9
    assert hostile_server.hits("/feed.xml") == 1
    assert Article.objects.filter(source=source).count() == 12
    assert FetchLog.objects.filter(source=source).count() == 1
    source.refresh_from_db()
    assert source.lease_until is None, "the lease must be released after the poll"


def test_ten_polls_after_the_first_one_find_nothing_to_do(hostile_server):
    hostile_server.serve("/feed.xml", rss_from_items(numbered_items(5, "Gigean")))
    source = Source.objects.create(name="Gigean Actu", url=hostile_server.url("/feed.xml"))
    assert poll_source(source.pk).status == "ok"
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: _poll_in_thread(source.pk, False), range(10)))
    assert statuses == ["skipped"] * 10  # not due again yet
    assert hostile_server.hits("/feed.xml") == 1
    assert Article.objects.filter(source=source).count() == 5
