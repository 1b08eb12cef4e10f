"""Polling at internet latency, with the Procfile's worker command, on PostgreSQL and Redis.

A feed server on 50 loopback hosts (127.0.0.2 ... 127.0.0.51) answers every request after 200 ms;
2,000 sources, 40 a host, 65 % holding the ETag that gets a 304, the others 10 new stories. Reported:
polls per hour for the round, the memory of the worker's processes, the most requests one host saw
at once, and a 304 poll against a bare conditional GET to the same slow server.

``main()`` runs everything in a child process on a database of its own (``newsroom_bench_latency``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.child import ROOT, child_env, entry, run_child

BENCH_DB = "newsroom_bench_latency"
REDIS = "redis://127.0.0.1:6379/15"  # cache and broker: a database no test uses
SOURCES, HOSTS, DELAY = 2000, 50, 0.2
ROUND_SECONDS = 50  # a round stops there: polls per hour are counted on the polls done by then

# The same worker command with classification and event grouping stubbed: polling alone.
_STUBBED = (
    "import sys, django; django.setup(); import articles.classify as c; import articles.clusters.assign as a; "
    "c.apply_classification_many = lambda articles, **kwargs: None; c.classify_unsaved = lambda articles: None; "
    "a.prepare = lambda fresh: None; a.assign_new = lambda fresh: None; a.changed_upstream = lambda changed: None; "
    "from celery.bin.celery import main; sys.argv = ['celery', *sys.argv[1:]]; main()"
)


def main() -> list[str]:
    env = child_env(
        BENCH_DB,
        "bench-latency",
        REDIS_URL=REDIS,
        CELERY_BROKER_URL=REDIS,
        NEWSROOM_ALLOW_PRIVATE_FETCH="1",  # the bench server is on loopback
    )
    return run_child("bench.latency", BENCH_DB, env, timeout=1200)


# --- Everything below runs in the child process ----------------------------------------------


def feed(number: int, version: int) -> bytes:
    """The source's ten newest stories at this version: each version adds one story on top and drops
    the oldest, as a real feed does between two polls (stories ``version`` to ``version + 9``). A
    story's title is drawn from the source's number and the story's, so stories of different sources
    are not versions of one event (which would make polls wait on clustering). Dated November 2026:
    past the thumbnail page lookup (3 days), so the round measures polling, not one thumbnail task per
    new story (pictures/ fetches those in the same worker)."""
    from tests.builders import rss_from_items

    items = []
    for story in range(version + 9, version - 1, -1):
        rng = random.Random(number * 100_000 + story)
        items.append(
            {
                "title": " ".join(rng.choice(SYLLABLES) + rng.choice(SYLLABLES) for _ in range(6)),
                "link": f"https://news.example/{number}/{story}",
                "summary": "Texte.",
                "published": datetime(2026, 11, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=story),
            }
        )
    return rss_from_items(items)


SYLLABLES = [a + b for a in "bcdfglmnprstv" for b in ("a", "e", "i", "o", "u", "an", "on", "ou")]


def _median(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def not_modified_ratio(server) -> list[str]:
    import requests

    from articles.ingest.poll import poll_source
    from articles.models import Source
    from tests.resilience.latency import steady_etag

    url = server.url(0, 1)  # number 1 never changes: always 304 with its ETag
    source = Source.objects.create(name="bench 304", url=url, feed_url=url, etag=steady_etag(1))
    session = requests.Session()
    gets, polls = [], []
    for _ in range(15):
        started = time.perf_counter()
        assert session.get(url, headers={"If-None-Match": steady_etag(1)}).status_code == 304
        gets.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert poll_source(source.id, force=True).status == "not_modified"
        polls.append(time.perf_counter() - started)
    source.delete()
    get, poll = _median(gets), _median(polls)
    return [
        f"304 poll at {DELAY * 1000:.0f} ms: bare conditional GET {get * 1e3:.1f} ms, poll_source {poll * 1e3:.1f} ms, "
        f"ratio {poll / get:.2f}× (target ≤ 2×)"
    ]


def _kib(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_memory(pid: int) -> tuple[dict[int, int], int]:
    """VmRSS of ``pid`` and of its children (the prefork pool processes) by pid, and their total
    PSS (shared pages counted once, split between the processes that share them)."""
    from tests.resilience.servers import child_pids

    processes = [pid, *child_pids(pid)]
    rss = {process: _kib(f"/proc/{process}/status", "VmRSS:") for process in processes}
    return rss, sum(_kib(f"/proc/{process}/smaps_rollup", "Pss:") for process in processes)


def _start_worker(stubbed: bool) -> tuple[subprocess.Popen, list[str]]:
    from django.utils import timezone

    from articles.management.commands.runstack import procfile
    from articles.models import WorkerHeartbeat

    command = procfile()["worker"]
    log = open(ROOT / "var" / "bench-latency-worker.log", "w")  # noqa: SIM115
    since = timezone.now()
    start = ["-c", _STUBBED, *command[1:]] if stubbed else ["-m", *command]
    worker = subprocess.Popen(
        [sys.executable, *start], cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while not WorkerHeartbeat.objects.filter(last_seen__gte=since).exists():  # recorded once it is ready
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the bench worker did not start; see var/bench-latency-worker.log")
        time.sleep(0.2)
    return worker, command


def _known_stories(server, sources) -> float:
    """Store, in this process, what each changing source showed at its previous poll (the feed one
    version back), so that its 200 in the round brings one new story and nine known ones. Returns
    the seconds it took (not part of the round)."""
    from django.db import transaction
    from django.utils import timezone

    from articles.ingest.parse import parse_feed
    from articles.ingest.store import store_entries

    started = time.monotonic()
    for source in sources:
        number = int(source.feed_url.rsplit("/", 1)[1])
        if number % 100 < 65:  # a 304 source: nothing to hold
            continue
        parsed = parse_feed(feed(number, server.round - 1), headers={}, base_url=source.feed_url, max_entries=50)
        with transaction.atomic():
            store_entries(source, parsed.entries, timezone.now())
    return time.monotonic() - started


def capacity(server, *, stubbed: bool, steady: bool = False) -> list[str]:
    """One round: every source due at once, the Procfile's worker polling them. ``steady``: the
    sources that answer 200 already hold their previous stories (one new story per 200, as between
    two polls of a real feed); otherwise it is their first poll (ten new stories per 200)."""
    from django.db.models import Count
    from django.utils import timezone

    from articles.models import FetchLog, Source
    from articles.tasks import dispatch_due_sources
    from tests.resilience.latency import steady_etag

    Source.objects.all().delete()
    sources = Source.objects.bulk_create(
        Source(name=f"bench {n}", url=server.url(n, n), feed_url=server.url(n, n), etag=steady_etag(n))
        for n in range(SOURCES)
    )
    server.round += 1
    prepared = _known_stories(server, sources) if steady else 0.0
    FetchLog.objects.all().delete()
    server.reset()
    worker, command = _start_worker(stubbed)
    peak_total, peak_sizes, peak_pss = 0, {}, 0
    try:
        Source.objects.update(next_check_at=timezone.now(), queued_at=None)
        started = time.monotonic()
        last_dispatch = 0.0
        while (done := FetchLog.objects.count()) < SOURCES and time.monotonic() - started < ROUND_SECONDS:
            if time.monotonic() - last_dispatch > 5:
                dispatch_due_sources.apply()  # what beat sends every minute, more often here
                last_dispatch = time.monotonic()
            if worker.poll() is not None:
                raise RuntimeError("the bench worker died; see var/bench-latency-worker.log")
            sizes, pss = _tree_memory(worker.pid)
            peak_pss = max(peak_pss, pss)
            if sum(sizes.values()) > peak_total:
                peak_total, peak_sizes = sum(sizes.values()), sizes
            time.sleep(0.25)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    outcomes = dict(FetchLog.objects.values_list("outcome").annotate(n=Count("id")).order_by())
    label = "classification and event grouping stubbed (polling alone)" if stubbed else "as in production"
    if steady:
        label += f", steady state: each 200 brings 1 new story and 9 known ones (stored beforehand in {prepared:.0f} s)"
    elif not stubbed:
        label += ", first poll of every source: each 200 brings 10 new stories"
    each = " + ".join(f"{size / 1024:.0f}" for size in sorted(peak_sizes.values(), reverse=True))
    return [
        f"capacity: {SOURCES} sources on {HOSTS} hosts, every answer after {DELAY * 1000:.0f} ms, 65 % 304, "
        f"worker `{' '.join(command)}` ({os.cpu_count()} cores), {label}:",
        f"  {done} polls in {elapsed:.1f} s = {done / elapsed * 3600:,.0f} polls/hour (target ≥ 250,000/h); "
        f"outcomes {outcomes}",
        f"  worker RSS, all its processes, at its peak: {peak_total / 1024:.0f} MiB ({each}) (target ≤ 400 MiB); "
        f"PSS {peak_pss / 1024:.0f} MiB",
        f"  most requests at once to one host, seen by the server: {server.most_at_once()} (target ≤ 2); "
        f"requests {sum(stats.hits for stats in server.stats.values())}",
    ]


def child() -> None:
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from articles.ingest.store import relax_commit_durability
    from articles.models import Source
    from tests.resilience.latency import LatencyServer

    call_command("migrate", verbosity=0)
    Source.objects.all().delete()
    redis.Redis.from_url(REDIS).flushdb()
    relax_commit_durability()  # in-process polls run as in a worker
    server = LatencyServer(HOSTS, delay=DELAY, body=feed)
    try:
        lines = [f"PostgreSQL {os.environ['DATABASE_URL'].rsplit('/', 1)[1]}, Redis {REDIS}"]
        lines += not_modified_ratio(server)
        lines += capacity(server, stubbed=True)
        lines += capacity(server, stubbed=False, steady=True)
        lines += capacity(server, stubbed=False)
    finally:
        server.stop()
    Source.objects.all().delete()
    print(json.dumps(lines))


if __name__ == "__main__":
    entry(main, child)
