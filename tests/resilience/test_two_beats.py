"""Two beat schedulers started by mistake: no source is polled twice in the same window."""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack

import pytest

from articles.models import Article, FetchLog, Source
from tests.builders import numbered_items, rss_from_items
from tests.helpers import ROOT, celery_worker, child_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = 6


def _beat(broker: str, schedule: str, log) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.resilience.fast_beat",
        "beat",
        "-s",
        schedule,
        "--loglevel",
        "INFO",
    ]
    env = child_env(CELERY_BROKER_URL=broker, PYTHONUNBUFFERED="1")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_two_beats_sending_the_dispatcher_side_by_side_poll_each_source_once(private_redis, hostile_server, tmp_path):
    sources = []
    for n in range(SOURCES):
        hostile_server.serve(f"/feed-{n}.xml", rss_from_items(numbered_items(4, f"Source{n}")))
        sources.append(Source.objects.create(name=f"Source {n}", url=hostile_server.url(f"/feed-{n}.xml")))
    broker = private_redis.url(1)
    beat_log = open(tmp_path / "beats.log", "w")  # noqa: SIM115
    with ExitStack() as stack:
        stack.callback(beat_log.close)
        worker = stack.enter_context(
            celery_worker(
                broker,
                extra_args=("--pool", "prefork", "--concurrency", "4"),
                env={"REDIS_URL": private_redis.url(0)},
            )
        )
        beats = [_beat(broker, str(tmp_path / f"beat-{n}"), beat_log) for n in range(2)]
        for beat in beats:
            stack.callback(beat.wait, 15)
            stack.callback(beat.terminate)
        wait_until(
            lambda: Article.objects.count() == 4 * SOURCES,
            timeout=90,
            message="the dispatcher never polled every source",
        )
        # Let both beats keep dispatching for a while: at least 20 more dispatcher runs.
        sent = lambda: (tmp_path / "beats.log").read_text().count("dispatch-due-sources")  # noqa: E731
        already = sent()
        wait_until(lambda: sent() >= already + 20, timeout=60, message="the beats stopped sending")
        assert all(beat.poll() is None for beat in beats) and worker.poll() is None

    for n, source in enumerate(sources):
        assert hostile_server.hits(f"/feed-{n}.xml") == 1, f"source {n} was fetched more than once"
        assert FetchLog.objects.filter(source=source).count() == 1
    assert Article.objects.count() == 4 * SOURCES
