"""Celery tasks. Each is thin: it takes ids and calls one plain function."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from articles.health import record_heartbeat

logger = logging.getLogger(__name__)


@shared_task(name="articles.tasks.heartbeat", ignore_result=True)
def heartbeat(name: str = "celery") -> None:
    record_heartbeat(name)


@worker_ready.connect
def _heartbeat_on_start(**kwargs) -> None:
    # /healthz should see a fresh worker at once, not a minute later when beat first fires.
    try:
        record_heartbeat()
    except Exception:
        logger.exception("could not record the worker's first heartbeat")
