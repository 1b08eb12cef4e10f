"""Thumbnail tasks: thin, by id, queued only after the poll that stored the articles committed."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_COUNTDOWN = 60  # seconds before trying a picture again after a fetch that may pass


@shared_task(name="pictures.tasks.make_thumbnail", bind=True, ignore_result=True, acks_late=True, max_retries=2)
def make_thumbnail(self, article_id: int) -> str:
    from pictures.thumbnails import TryLater
    from pictures.thumbnails import make_thumbnail as make

    try:
        thumb = make(article_id)
    except TryLater as exc:
        # make_thumbnail counts attempts itself and gives up on the third: this retry never loops.
        raise self.retry(countdown=RETRY_COUNTDOWN * (self.request.retries + 1), exc=exc) from None
    return thumb.status if thumb else "missing"


def queue_thumbnails(articles: list) -> None:
    """Queue a thumbnail task per new article that has or may have a picture, once the current
    transaction commits: the worker must find the rows, and a rolled-back poll queues nothing."""
    from pictures.thumbnails import PAGE_LOOKUP_MAX_AGE

    recent = timezone.now() - PAGE_LOOKUP_MAX_AGE
    ids = [a.pk for a in articles if a.pk and (a.image or (a.url and a.published >= recent))]
    if ids:
        transaction.on_commit(lambda: _send(ids), robust=True)


def _send(ids: list[int]) -> None:
    with make_thumbnail.app.producer_or_acquire() as producer:
        for article_id in ids:
            make_thumbnail.apply_async(args=[article_id], producer=producer)
