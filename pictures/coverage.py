"""Coverage at a glance: communes nobody wrote about lately, sources gone quieter than usual.

Shown on the admin index and on /sources/. One query per list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from articles.models import Article, Source
from localities.models import Commune

MIN_HISTORY = 3  # articles needed before a rhythm means anything
MIN_SILENCE = timedelta(hours=6)  # a source posting hourly is not "silent" after a quiet night


@dataclass
class SilentCommune:
    commune: Commune
    last: datetime | None


@dataclass
class SilentSource:
    source: Source
    last: datetime
    usual: timedelta  # mean time between its articles

    @property
    def usual_hours(self) -> int:
        return max(1, round(self.usual / timedelta(hours=1)))


def silent_communes(days: int | None = None, now: datetime | None = None) -> list[SilentCommune]:
    """Communes without a visible article for ``days`` days (NEWSROOM_SILENT_COMMUNE_DAYS)."""
    days = days or settings.NEWSROOM_SILENT_COMMUNE_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    visible = ~Q(articles__status=Article.Status.HIDDEN)
    rows = (
        Commune.objects.only("id", "name", "slug")
        .annotate(last=Max("articles__published", filter=visible))
        .filter(Q(last__lt=cutoff) | Q(last__isnull=True))
        .order_by("name")
    )
    return [SilentCommune(row, row.last) for row in rows]


def silent_sources(now: datetime | None = None) -> list[SilentSource]:
    """Enabled sources whose last article is older than twice their usual interval between articles."""
    now = now or timezone.now()
    # Its whole history: a source silent for months is still listed, with the rhythm it used to have.
    recent = Q(articles__published__lte=now)
    rows = (
        Source.objects.filter(enabled=True)
        .only("id", "name", "url")
        .annotate(
            count=Count("articles", filter=recent),
            first=Min("articles__published", filter=recent),
            last=Max("articles__published", filter=recent),
        )
        .filter(count__gte=MIN_HISTORY)
        .order_by("name")
    )
    silent = []
    for row in rows:
        usual = (row.last - row.first) / (row.count - 1)
        if now - row.last > max(2 * usual, MIN_SILENCE):
            silent.append(SilentSource(row, row.last, usual))
    return silent
