"""Ingestion benchmarks, on PostgreSQL and Redis, with a local HTTP server.

1. Full poll of a new 200-entry feed, per entry, as a ratio to ``feedparser.parse(bytes)``.
2. A 304 poll, as a ratio to a bare conditional GET with ``requests`` to the same server.
3. Polling capacity: 2,000 sources, 65 % answering 304, polled by ONE real Celery worker process
   (solo pool) from the Redis broker; polls per hour and the worker's peak memory.

``main()`` runs the measurements in a child process whose DATABASE_URL points at a database of
its own (``newsroom_bench_ingest``, created if missing), so it never touches another database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.child import ROOT, child_env, entry, run_child

BENCH_DB = "newsroom_bench_ingest"
REDIS = "redis://127.0.0.1:6379"
CACHE_DB, BROKER_DB = 13, 14


def bench_env(**extra: str) -> dict[str, str]:
    return child_env(
        BENCH_DB,
        "bench-ingest",
        REDIS_URL=f"{REDIS}/{CACHE_DB}",
        CELERY_BROKER_URL=f"{REDIS}/{BROKER_DB}",
        NEWSROOM_ALLOW_PRIVATE_FETCH="1",  # the bench server is on loopback
        **extra,
    )


def main() -> list[str]:
    lines = run_child("bench.ingest", BENCH_DB, bench_env())
    if "--no-robustness" not in sys.argv:
        from bench import robustness

        lines += ["robustness (every file of corpora/feeds and corpora/realfeeds, polled over local HTTP):"]
        lines += ["  " + line for line in robustness.main()]
    return lines


# --- Everything below runs in the child process ----------------------------------------------


class FeedServer:
    """Serves /feed/<n>: a feed whose ETag changes with ``round``; 65 % of sources answer 304."""

    def __init__(self, entries: int = 10):
        self.round = 0
        self.entries = entries
        self.bodies: dict[tuple[int, int], bytes] = {}
        self.big = b""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                if self.path == "/big":
                    self._reply(200, server.big, '"big"')
                    return
                number = int(self.path.rsplit("/", 1)[1])
                changes = number % 100 >= 65  # 35 % of sources publish something every round
                version = server.round if changes else 0
                etag = f'"{number}-{version}"'
                if self.headers.get("If-None-Match") == etag:
                    self._reply(304, b"", etag)
                else:
                    self._reply(200, server.body(number, version), etag)

            def _reply(self, status, body, etag):
                self.send_response(status)
                self.send_header("ETag", etag)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def body(self, number: int, version: int) -> bytes:
        key = (number, version)
        if key not in self.bodies:
            self.bodies[key] = feed_bytes(self.entries, prefix=f"s{number}v{version}")
        return self.bodies[key]


def feed_bytes(count: int, prefix: str = "e") -> bytes:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    items = []
    for i in range(count):
        items.append(
            f"<item><title>Sète : article {prefix}-{i} sur la vie du port et de la lagune</title>"
            f"<link>https://bench.example/{prefix}/{i}?utm_source=rss</link>"
            f'<guid isPermaLink="false">{prefix}-{i}</guid>'
            f"<pubDate>{format_datetime(now - timedelta(minutes=7 * i))}</pubDate>"
            "<category>Société</category>"
            f"<description><![CDATA[<p>Résumé de l’article {i} : la commune de Frontignan et celle de "
            f"Balaruc-les-Bains annoncent des travaux, <a href='https://bench.example/{i}'>lire</a>.</p>]]>"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>'
        "<link>https://bench.example/</link>" + "".join(items) + "</channel></rss>"
    ).encode()


def _best(samples: list[float]) -> float:
    samples = sorted(samples)
    return samples[len(samples) // 2]  # median: steadier than the mean on a shared 2-core machine


def full_poll_ratio(server: FeedServer) -> list[str]:
    import feedparser

    from articles import classify
    from articles.ingest.poll import poll_source
    from articles.models import Source

    body = feed_bytes(200, prefix="full")
    server.big = body
    parse_times = []
    for _ in range(7):
        started = time.perf_counter()
        feedparser.parse(body, response_headers={"content-location": server.url + "/big"})
        parse_times.append(time.perf_counter() - started)

    def polls(label: str) -> float:
        times = []
        for _ in range(7):
            source = Source.objects.create(name="bench full", url=server.url + "/big", feed_url=server.url + "/big")
            started = time.perf_counter()
            result = poll_source(source.id)
            times.append(time.perf_counter() - started)
            assert result.new == 200, (label, result)
            source.delete()
        return _best(times)

    with_classifier = polls("with classifier")
    real = classify.apply_classification_many, classify.classify_unsaved
    classify.apply_classification_many = lambda articles, **kwargs: None
    classify.classify_unsaved = lambda articles: None
    try:
        ingest_only = polls("ingest only")
    finally:
        classify.apply_classification_many, classify.classify_unsaved = real
    parse = _best(parse_times)
    return [
        f"full poll, new 200-entry feed ({len(body) // 1024} KiB): feedparser.parse {parse / 200 * 1e3:.3f} ms/entry",
        f"  poll → PostgreSQL, ingest only (classifier stubbed): {ingest_only / 200 * 1e3:.3f} ms/entry, "
        f"ratio {ingest_only / parse:.2f}× (target ≤ 1.5×)",
        f"  poll → PostgreSQL, with the classifier in the tree: {with_classifier / 200 * 1e3:.3f} ms/entry, "
        f"ratio {with_classifier / parse:.2f}×",
    ]


def not_modified_ratio(server: FeedServer) -> list[str]:
    import requests

    from articles.ingest.poll import poll_source
    from articles.models import Source

    url = server.url + "/feed/1"  # number 1 never changes: always 304 once known
    source = Source.objects.create(name="bench 304", url=url, feed_url=url)
    poll_source(source.id)
    session = requests.Session()
    etag = session.get(url).headers["ETag"]
    gets, polls = [], []
    for _ in range(300):
        started = time.perf_counter()
        response = session.get(url, headers={"If-None-Match": etag})
        gets.append(time.perf_counter() - started)
        assert response.status_code == 304
        started = time.perf_counter()
        result = poll_source(source.id, force=True)
        polls.append(time.perf_counter() - started)
        assert result.status == "not_modified", result
    get, poll = _best(gets), _best(polls)
    source.delete()
    return [
        f"304 poll: bare conditional GET {get * 1e3:.2f} ms, poll_source {poll * 1e3:.2f} ms, "
        f"ratio {poll / get:.2f}× (target ≤ 3×)"
    ]


# Starts a worker whose classifier is a no-op, to measure ingestion apart from classification.
_STUBBED_WORKER = (
    "import sys, django; django.setup(); import articles.classify as c; "
    "c.apply_classification_many = lambda articles, **kwargs: None; c.classify_unsaved = lambda articles: None; "
    "from celery.bin.celery import main; "
    "sys.argv = ['celery', *sys.argv[1:]]; main()"
)


def capacity(server: FeedServer, count: int = 2000, *, classify: bool = True) -> list[str]:
    from datetime import timedelta

    import redis
    from django.db.models import Count
    from django.utils import timezone

    from articles.models import Article, FetchLog, Source
    from articles.tasks import dispatch_due_sources

    Source.objects.filter(name__startswith="bench ").delete()
    redis.Redis.from_url(f"{REDIS}/{BROKER_DB}").flushdb()
    server.round = 0
    Source.objects.bulk_create(
        Source(
            name=f"bench {n}",
            url=f"{server.url}/feed/{n}",
            feed_url=f"{server.url}/feed/{n}",
            # Steady state: the 65 % that never change hold their ETag, as after an earlier poll;
            # the 35 % that publish every round do not match and bring 10 new stories.
            etag=f'"{n}-0"' if n % 100 < 65 else "stale",
        )
        for n in range(count)
    )
    server.round = 1
    start = ["-m", "celery"] if classify else ["-c", _STUBBED_WORKER]
    log = open(ROOT / "var" / "bench-ingest-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, *start, "-A", "newsroom", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    peak = 0
    try:
        before = FetchLog.objects.count()
        Source.objects.update(next_check_at=timezone.now(), queued_at=None)
        started = time.monotonic()
        last_dispatch = 0.0
        while FetchLog.objects.count() < before + count:
            if time.monotonic() - last_dispatch > 5:
                # The real dispatcher, run here as beat would (more often, so the bench does not
                # wait for the minute); the polls go to the worker through Redis.
                dispatch_due_sources.apply()
                last_dispatch = time.monotonic()
            if worker.poll() is not None:
                raise RuntimeError("the bench worker died; see var/bench-ingest-worker.log")
            if time.monotonic() - started > 900:
                raise RuntimeError("capacity round did not finish in 15 minutes")
            peak = max(peak, _peak_rss_kib(worker.pid))
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        peak = max(peak, _peak_rss_kib(worker.pid))
        recent = FetchLog.objects.filter(started__gte=timezone.now() - timedelta(seconds=elapsed + 2))
        outcomes = dict(recent.values_list("outcome").annotate(n=Count("id")).order_by())
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
    stored = Article.objects.filter(source__name__startswith="bench ").count()
    label = "with the classifier in the tree" if classify else "classifier stubbed (ingestion alone)"
    return [
        f"capacity, {count} sources (65 % 304, 35 % with 10 new entries), 1 worker (solo pool), {label}:",
        f"  {elapsed:.1f} s = {count / elapsed * 3600:,.0f} polls/hour (target ≥ 100,000/h); outcomes {outcomes}; "
        f"stories stored {stored}; worker peak memory (VmHWM) {peak / 1024:.0f} MiB",
    ]


def _peak_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Source

    call_command("migrate", verbosity=0)
    Source.objects.all().delete()
    # In-process polls measured here run with the same database settings as in a worker.
    from articles.ingest.store import relax_commit_durability

    relax_commit_durability()
    server = FeedServer()
    lines = [f"PostgreSQL {os.environ['DATABASE_URL'].rsplit('/', 1)[1]}, Redis db {CACHE_DB}/{BROKER_DB}"]
    lines += full_poll_ratio(server)
    lines += not_modified_ratio(server)
    lines += capacity(server, classify=False)
    lines += capacity(server, classify=True)
    Source.objects.all().delete()
    print(json.dumps(lines))


if __name__ == "__main__":
    entry(main, child)
