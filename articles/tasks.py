"""Celery tasks. Each is thin: it takes ids and calls one plain function."""

from __future__ import annotations

import logging
from collections import Counter

from celery import shared_task
from celery.signals import worker_init, worker_process_init, worker_ready

from articles.health import record_heartbeat

logger = logging.getLogger(__name__)


@shared_task(name="articles.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = "celery") -> None:
    record_heartbeat(name)


@shared_task(name="articles.tasks.poll_source", bind=True, ignore_result=True, acks_late=True, max_retries=5)
def poll_source(self, source_id: int, force: bool = False) -> str:
    # acks_late: a worker killed mid-poll leaves the message to be redelivered; the poll's single
    # transaction and idempotent upserts make the second run store each entry once.
    from articles.ingest.poll import poll_source as poll

    result = poll(source_id, force=force)
    if result.retry_in is not None:
        # The lease may belong to a killed worker (SQLite lease column): come back once it expires.
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task(name="articles.tasks.poll_sources", ignore_result=True, acks_late=True)
def poll_sources(source_ids: list[int]) -> str:
    """A batch from the dispatcher, polled at once on this process's fetch threads.

    acks_late covers the whole batch: redelivered after a kill, its finished polls are skipped (no
    longer due). Polls not started when the batch stopped waiting go back to the broker; a slow
    host's poll still running finishes in its thread, and should the process die meanwhile, the
    dispatcher queues its source again after REQUEUE_AFTER. No delayed message stands in for it:
    a worker holding unacknowledged messages when Redis goes away crashes in kombu.
    """
    from articles.ingest.poll import poll_many

    outcome = poll_many(source_ids)
    with poll_sources.app.producer_or_acquire() as producer:
        if outcome.not_started:
            poll_sources.apply_async(args=[outcome.not_started], producer=producer)
        for result in outcome.results:
            if result.retry_in is not None:  # SQLite lease of a killed worker: come back once it expires
                poll_source.apply_async(args=[result.source_id], countdown=result.retry_in, producer=producer)
    statuses = Counter(result.status for result in outcome.results)
    logger.info(
        "polled %d sources %s, %d sent back, %d still fetching",
        len(outcome.results),
        dict(statuses),
        len(outcome.not_started),
        len(outcome.running),
    )
    return " ".join(f"{status}={count}" for status, count in sorted(statuses.items()))


@shared_task(name="articles.tasks.dispatch_due_sources", ignore_result=True, acks_late=True)
def dispatch_due_sources() -> int:
    from articles.ingest.dispatch import dispatch_due

    return dispatch_due(_send_batches)


def _send_batches(batches: list[list[int]]) -> None:
    # One producer connection for the whole dispatch.
    with poll_sources.app.producer_or_acquire() as producer:
        for batch in batches:
            poll_sources.apply_async(args=[batch], producer=producer)


@shared_task(name="articles.tasks.retrain_classifier", ignore_result=True, acks_late=True)
def retrain_classifier(force: bool = False) -> str:
    # Beat runs it hourly; it trains only once enough editors' examples came in (see training.retrain).
    from articles.classify.training import retrain

    return retrain(min_new=0 if force else None).status


@worker_init.connect
@worker_process_init.connect
def _worker_commits(**kwargs) -> None:
    from articles.ingest.store import relax_commit_durability

    relax_commit_durability()


@worker_ready.connect
def _heartbeat_on_start(**kwargs) -> None:
    # /healthz should see a fresh worker at once, not a minute later when beat first fires.
    try:
        record_heartbeat()
    except Exception:
        logger.exception("could not record the worker's first heartbeat")
