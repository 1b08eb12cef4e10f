"""``poll_source``: the one function the Celery task, the ``poll`` command and the tests call.

lease → fetch (with a host slot) → 304 / unchanged hash / parse or scrape → store, source state and
fetch log in ONE transaction → release. Every failure ends as a readable error on the source and
a scheduled retry; nothing propagates to the worker.

``poll_many`` runs a batch of such polls on the process's fetch threads, so that waiting on the
network costs a thread, not a process (docs/deploy.md says why and what it measured).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from articles import cache as page_cache
from articles.ingest import schedule
from articles.ingest.fetch import FetchError, FetchResult, fetch
from articles.ingest.locks import HostBusy, Lease, lease_and_load, lease_expires_in
from articles.ingest.parse import ParseError, parse_feed
from articles.ingest.scrape import RecipeError, extract_items
from articles.ingest.store import StoreCounts, prune_logs, save_poll_state, store_entries
from articles.models import FetchLog, Source

logger = logging.getLogger(__name__)

# Only the fields a poll owns are saved, so an editor's edit made during a poll is not overwritten.
_SUCCESS_FIELDS = [
    "url", "feed_url", "etag", "last_modified", "content_hash", "interval", "error_count", "needs_attention",
    "last_error", "last_status", "last_checked_at", "last_success_at", "next_check_at", "queued_at",
    "last_new_article_at",
]  # fmt: skip
_ERROR_FIELDS = [
    "error_count", "last_status", "last_error", "last_checked_at", "queued_at", "needs_attention", "enabled",
    "disabled_reason", "next_check_at",
]  # fmt: skip
BUSY_RETRY = 60  # seconds: a host already at its limit is tried again soon, not counted as an error
STALL_SECONDS = 3.0  # a batch stops waiting once no poll of it has ended for this long


@dataclass
class PollResult:
    source_id: int
    status: str  # ok | not_modified | error | disabled | skipped | busy
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str = ""
    # Set when the source's lease is held by a process that may be dead: try again after this many
    # seconds (the task retries; the lease expires by itself).
    retry_in: float | None = None

    def line(self) -> str:
        text = f"#{self.source_id} {self.status} new={self.new} updated={self.updated} unchanged={self.unchanged}"
        return f"{text} error={self.error}" if self.error else text


def poll_source(source_id: int, *, force: bool = False) -> PollResult:
    """Poll one source now if it is due (or ``force``); safe to call twice at once or to repeat."""
    lease, source = lease_and_load(source_id)
    if lease.token is None:
        if source is None:
            return PollResult(source_id, "skipped", error="source inconnue")
        return PollResult(source_id, "skipped", retry_in=lease_expires_in(source_id))
    try:
        if source is None:  # deleted between the lease and the read
            return PollResult(source_id, "skipped", error="source inconnue")
        now = timezone.now()
        if not force and (not source.enabled or source.next_check_at > now):
            # A duplicate delivery, or a source disabled since it was queued.
            Source.objects.filter(pk=source_id).update(queued_at=None)
            return PollResult(source_id, "skipped")
        try:
            return _poll(source, now, lease)
        except Exception as exc:  # a bug must cost one poll, never the worker or the source
            logger.exception("poll of source %s failed unexpectedly", source_id)
            message = f"Erreur interne : {exc.__class__.__name__}: {exc}"[:1000]
            return _record_error(source, now, message, None, 0.0)
    except Exception as exc:
        logger.exception("could not record the poll of source %s", source_id)
        return PollResult(source_id, "error", error=f"Erreur interne : {exc.__class__.__name__}: {exc}"[:1000])
    finally:
        try:
            lease.release()
        except Exception:
            logger.exception("could not release the lease of source %s (it expires by itself)", source_id)


def _poll(source: Source, now: datetime, lease: Lease) -> PollResult:
    started = time.monotonic()
    url = source.fetch_url
    try:
        lease.hold_host(_host(url))
        try:
            response = fetch(url, etag=source.etag, last_modified=source.last_modified)
        except BaseException:
            lease.free_host()
            raise
    except HostBusy:
        retry_at = now + timedelta(seconds=BUSY_RETRY)
        Source.objects.filter(pk=source.pk).update(queued_at=None, next_check_at=retry_at)
        return PollResult(source.pk, "busy")
    except FetchError as exc:
        return _record_error(source, now, str(exc), exc.status, time.monotonic() - started, exc.retry_after)

    if response.permanent_url:
        if source.feed_url:
            source.feed_url = response.permanent_url
        else:
            source.url = response.permanent_url
    if response.not_modified:  # the host slot is freed with the record, in the same round trip
        return _record_unchanged(source, now, response, started, lease)
    lease.free_host()

    # Servers without validators (or ignoring them) resend the same bytes: the hash skips the parse.
    # It is only stored after a good parse, so a body that failed once is parsed again.
    digest = hashlib.sha256(response.body).hexdigest()
    if digest == source.content_hash:
        return _record_unchanged(source, now, response, started, lease)

    try:
        entries, ttl = _read_entries(source, response, now)
    except (ParseError, RecipeError) as exc:
        # The validators are not kept, so the next poll fetches and parses in full again.
        return _record_error(source, now, str(exc), response.status, time.monotonic() - started)
    counts = _store(source, entries, ttl, now, response, digest, started)
    return PollResult(source.pk, "ok", counts.new, counts.updated, counts.unchanged)


def _read_entries(source: Source, response: FetchResult, now: datetime) -> tuple[list, int | None]:
    """The entries of a fetched body, by the source's recipe or as a feed, and the feed's TTL (minutes)."""
    if source.kind == Source.Kind.SCRAPE:
        items = extract_items(response.body, source.recipe, response.url, now, limit=settings.NEWSROOM_MAX_ENTRIES)
        return items, None
    parsed = parse_feed(
        response.body, headers=response.headers, base_url=response.url, max_entries=settings.NEWSROOM_MAX_ENTRIES
    )
    return parsed.entries, parsed.ttl_minutes


def _store(
    source: Source, entries: list, ttl: int | None, now: datetime, response: FetchResult, digest: str, started: float
) -> StoreCounts:
    """Articles, the source's state and the fetch log, in ONE transaction."""
    with transaction.atomic():
        counts = store_entries(source, entries, now)
        source.interval = schedule.adaptive_interval((e.published for e in entries), now, source.interval)
        delay = schedule.success_delay(
            source.interval, ttl_minutes=ttl, cache_max_age=schedule.max_age(response.headers)
        )
        source.etag = response.headers.get("etag", "")[:500]
        source.last_modified = response.headers.get("last-modified", "")[:100]
        source.content_hash = digest
        _mark_success(source, now, response.status, delay)
        save_poll_state(source, _SUCCESS_FIELDS, _log(source, now, FetchLog.Outcome.OK, response, started, counts))
        _moved(response)
    return counts


def _mark_success(source: Source, now: datetime, status: int, delay: int) -> None:
    source.error_count = 0
    source.needs_attention = False
    source.last_error = ""
    source.last_status = status
    source.last_checked_at = now
    source.last_success_at = now
    source.next_check_at = now + timedelta(seconds=delay)
    source.queued_at = None


def _record_unchanged(source: Source, now: datetime, response: FetchResult, started: float, lease: Lease) -> PollResult:
    delay = schedule.success_delay(source.interval, cache_max_age=schedule.max_age(response.headers))
    # Fresher validators (sent with a 304, or with the same bytes) serve the next poll.
    source.etag = response.headers.get("etag", source.etag)[:500]
    source.last_modified = response.headers.get("last-modified", source.last_modified)[:100]
    _mark_success(source, now, response.status, delay)
    log = _log(source, now, FetchLog.Outcome.NOT_MODIFIED, response, started, StoreCounts())
    save_poll_state(source, _SUCCESS_FIELDS, log, release=lease)  # one round trip, locks freed after it
    _moved(response)
    return PollResult(source.pk, "not_modified")


def _moved(response: FetchResult) -> None:
    if response.permanent_url:  # pages link to the source: cached ones must show its new address
        page_cache.changed(everything=True)


def _record_error(
    source: Source,
    now: datetime,
    message: str,
    status: int | None,
    elapsed: float,
    retry_after: int | None = None,
) -> PollResult:
    with transaction.atomic():
        # Reload: the failed attempt may have changed the instance in memory.
        source = Source.objects.select_for_update().get(pk=source.pk)
        source.error_count += 1
        source.last_status = status
        source.last_error = message
        source.last_checked_at = now
        source.queued_at = None
        if source.error_count >= schedule.ATTENTION_AFTER:
            source.needs_attention = True
        result_status = "error"
        if status == 410:
            source.enabled = False
            source.disabled_reason = f"HTTP 410 Gone le {timezone.localtime(now):%d/%m/%Y à %H:%M} : {message}"
            result_status = "disabled"
        delay = schedule.error_delay(source.error_count, retry_after=retry_after)
        source.next_check_at = now + timedelta(seconds=delay)
        source.save(update_fields=_ERROR_FIELDS)
        FetchLog.objects.create(
            source=source,
            started=now,
            duration_ms=int(elapsed * 1000),
            outcome=FetchLog.Outcome.ERROR,
            status_code=status,
            error=message,
        )
        prune_logs(source.pk)
    return PollResult(source.pk, result_status, error=message)


def _log(source: Source, now: datetime, outcome: str, response: FetchResult, started: float, counts) -> FetchLog:
    return FetchLog(
        source_id=source.pk,
        started=now,
        duration_ms=int((time.monotonic() - started) * 1000),
        outcome=outcome,
        status_code=response.status,
        bytes=len(response.body),
        new=counts.new,
        updated=counts.updated,
        unchanged=counts.unchanged,
    )


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


@dataclass
class BatchOutcome:
    results: list[PollResult] = field(default_factory=list)
    not_started: list[int] = field(default_factory=list)  # cancelled: every fetch thread was busy
    running: list[int] = field(default_factory=list)  # still fetching (a slow host), left to finish


_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def fetch_threads() -> ThreadPoolExecutor:
    """This process's NEWSROOM_FETCH_THREADS fetch threads, made on first use (in each forked child)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(settings.NEWSROOM_FETCH_THREADS, thread_name_prefix="fetch")
            _pool_pid = os.getpid()
        return _pool


def _poll_in_thread(source_id: int) -> PollResult:
    # Each thread keeps its own database connection (its session holds the poll's advisory locks);
    # drop it first if it died or grew too old, as Django does between requests.
    try:
        close_old_connections()
        return poll_source(source_id)
    except Exception as exc:  # the database refused the lease: this poll fails, not the batch
        logger.exception("poll of source %s could not start", source_id)
        return PollResult(source_id, "error", error=f"Erreur interne : {exc.__class__.__name__}: {exc}"[:1000])


def poll_many(source_ids: list[int], *, stall: float = STALL_SECONDS) -> BatchOutcome:
    """Poll ``source_ids`` at once on this process's fetch threads (each poll as ``poll_source``).

    Returns when every poll has ended, or when none has ended for ``stall`` seconds: the polls not
    started yet are then cancelled, and those still running (a host that does not answer, at most
    NEWSROOM_FETCH_TOTAL_TIMEOUT) finish in their thread while the process takes other work.
    """
    threads = fetch_threads()
    futures = {threads.submit(_poll_in_thread, source_id): source_id for source_id in source_ids}
    outcome = BatchOutcome()
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=stall, return_when=FIRST_COMPLETED)
        if not done:
            break
        outcome.results += [future.result() for future in done]
    for future in pending:
        (outcome.not_started if future.cancel() else outcome.running).append(futures[future])
    return outcome
