"""The dispatcher: queue the sources that are due, oldest first, one task per source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Source

# A source queued this long ago whose task never ran (lost message, dead worker) is queued again.
REQUEUE_AFTER = timedelta(minutes=15)


def due_sources(limit: int) -> list[int]:
    now = timezone.now()
    return list(
        Source.objects.filter(enabled=True, next_check_at__lte=now)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .order_by("next_check_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def dispatch_due(send: Callable[[list[int]], None], limit: int | None = None) -> int:
    """Mark a bounded batch of due sources as queued and hand their ids to ``send`` after commit."""
    limit = limit or settings.NEWSROOM_DISPATCH_BATCH
    with transaction.atomic():
        ids = due_sources(limit)
        if not ids:
            return 0
        Source.objects.filter(id__in=ids).update(queued_at=timezone.now())
        transaction.on_commit(lambda: send(ids))
    return len(ids)
