"""Celery tasks. Each is thin: it takes ids and calls one plain function."""

from __future__ import annotations

import logging

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


@shared_task(name="articles.tasks.dispatch_due_sources", ignore_result=True, acks_late=True)
def dispatch_due_sources() -> int:
    from articles.ingest.dispatch import dispatch_due

    return dispatch_due(_send_polls)


def _send_polls(ids: list[int]) -> None:
    # One producer connection for the whole batch.
    with poll_source.app.producer_or_acquire() as producer:
        for source_id in ids:
            poll_source.apply_async(args=[source_id], producer=producer)


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
