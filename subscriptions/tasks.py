"""Celery tasks for subscribers. Each is thin and calls one plain function of ``sending``."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from subscriptions import sending


@shared_task(name="subscriptions.tasks.send_digests", ignore_result=True, acks_late=True)
def send_digests() -> str:
    # acks_late: a killed worker's run is redelivered; recorded deliveries are skipped then.
    report = sending.send_digests()
    _queue_retries(report.retry)
    return str(report)


@shared_task(name="subscriptions.tasks.send_alerts", ignore_result=True, acks_late=True)
def send_alerts() -> str:
    report = sending.send_alerts()
    _queue_retries(report.retry)
    return str(report)


@shared_task(name="subscriptions.tasks.retry_delivery", ignore_result=True, acks_late=True)
def retry_delivery(delivery_id: int) -> str:
    outcome = sending.resend(delivery_id)
    _queue_retries([delivery_id] if outcome == "retry" else [])
    return outcome


def _queue_retries(ids: list[int]) -> None:
    """Queue each failed delivery's next try, after a delay that grows with its attempts."""
    if not ids:
        return
    for delivery_id, attempts in sending.Delivery.objects.filter(pk__in=ids).values_list("pk", "attempts"):
        transaction.on_commit(_later(delivery_id, sending.retry_delay(attempts)))


def _later(delivery_id: int, countdown: int):
    return lambda: retry_delivery.apply_async(args=[delivery_id], countdown=countdown)
