"""The dispatcher: queue the sources that are due, oldest first, in batches spread over hosts.

Politeness starts here, as in Miniflux: one dispatch queues at most NEWSROOM_DISPATCH_PER_HOST
sources of a host, and each batch (one task, polled by one worker's fetch threads) holds at most
NEWSROOM_FETCH_PER_HOST sources of a host. So a host with a thousand sources never fills the queue
ahead of the others, and a poll rarely waits for a host slot; the slots themselves (``locks.py``)
still enforce the limit across workers and machines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Source

# A source queued this long ago whose task never ran (lost message, dead worker) is queued again.
REQUEUE_AFTER = timedelta(minutes=15)
# Due rows read per dispatch, as a multiple of its limit: enough to fill it past a host over its share.
SCAN_FACTOR = 4


def _due(now):
    return (
        Source.objects.filter(enabled=True, next_check_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .order_by("next_check_at", "id")
    )


def due_sources(limit: int) -> list[int]:
    return list(_due(timezone.now()).values_list("id", flat=True)[:limit])


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def due_by_host(limit: int, per_host: int) -> dict[str, list[int]]:
    """Due source ids by host, oldest first: at most ``per_host`` a host and ``limit`` in all."""
    by_host: dict[str, list[int]] = {}
    taken = 0
    rows = _due(timezone.now()).values_list("id", "feed_url", "url")[: limit * SCAN_FACTOR]
    for source_id, feed_url, url in rows:
        ids = by_host.setdefault(host_of(feed_url or url), [])
        if len(ids) < per_host:
            ids.append(source_id)
            taken += 1
            if taken == limit:
                break
    return {host: ids for host, ids in by_host.items() if ids}


def spread(by_host: dict[str, list[int]], size: int, per_host: int) -> list[list[int]]:
    """Cut the hosts' queues into batches of at most ``size`` ids and ``per_host`` ids of a host,
    taking one id of each host in turn so that a batch reaches as many hosts as it can."""
    queues = [list(ids) for ids in by_host.values()]
    batches: list[list[int]] = []
    while any(queues):
        batch: list[int] = []
        for _ in range(per_host):
            for queue in queues:
                if queue and len(batch) < size:
                    batch.append(queue.pop(0))
        queues = [queue for queue in queues if queue]
        queues = queues[1:] + queues[:1]  # the next batch starts with another host
        batches.append(batch)
    return batches


def dispatch_due(send: Callable[[list[list[int]]], None], limit: int | None = None) -> int:
    """Mark a bounded set of due sources as queued and hand their batches to ``send`` after commit."""
    limit = limit or settings.NEWSROOM_DISPATCH_BATCH
    per_request = settings.NEWSROOM_FETCH_PER_HOST
    with transaction.atomic():
        by_host = due_by_host(limit, settings.NEWSROOM_DISPATCH_PER_HOST)
        batches = spread(by_host, settings.NEWSROOM_POLL_BATCH, per_request)
        if not batches:
            return 0
        ids = [source_id for batch in batches for source_id in batch]
        Source.objects.filter(id__in=ids).update(queued_at=timezone.now())
        transaction.on_commit(lambda: send(batches))
    return len(ids)
