"""How much each commune and each source published lately: one grouped query per figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article, ArticleCommune

MAP_DAYS = 7
SPARK_DAYS = 30
# Shades of the map, lightest first, with the smallest count each one starts at, and the ink of the
# names written over them (contrast of at least 4.5:1 either way).
SHADES = [(0, "#fdf6e3"), (1, "#fbd98f"), (3, "#f4a94e"), (6, "#d9772a"), (11, "#9c4a12")]
DARK_INK, LIGHT_INK = "#1b1b1b", "#ffffff"


def commune_counts(days: int = MAP_DAYS) -> dict[int, int]:
    """{commune id: visible articles published in the last ``days`` days}, in one query."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        ArticleCommune.objects.filter(article__published__gte=since)
        .exclude(article__status=Article.Status.HIDDEN)
        .values("commune_id")
        .annotate(count=Count("article_id"))
        .order_by()
    )
    return {row["commune_id"]: row["count"] for row in rows}


def articles_label(count: int) -> str:
    """French counting: "aucun article", "1 article", "2 articles"."""
    return "aucun article" if not count else f"{count} article{'s' if count > 1 else ''}"


def shade(count: int) -> str:
    return next(colour for start, colour in reversed(SHADES) if count >= start)


def ink(count: int) -> str:
    """The name's colour over the commune's shade: white only on the darkest."""
    return LIGHT_INK if count >= SHADES[-1][0] else DARK_INK


def legend() -> list[tuple[str, str]]:
    """(colour, label) per shade, for the map's key."""
    items = []
    for index, (start, colour) in enumerate(SHADES):
        end = SHADES[index + 1][0] - 1 if index + 1 < len(SHADES) else None
        if start == 0:
            label = "aucun article"
        elif end is None:
            label = f"{start} articles ou plus"
        elif end == start:
            label = f"{start} article{'s' if start > 1 else ''}"
        else:
            label = f"{start} à {end} articles"
        items.append((colour, label))
    return items


@dataclass
class Sparkline:
    days: list[tuple[date, int]]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.days)

    @property
    def peak(self) -> tuple[date, int]:
        return max(self.days, key=lambda item: (item[1], item[0]))

    def points(self, width: int = 120, height: int = 24) -> str:
        """The polyline's points, the busiest day touching the top."""
        top = max(self.peak[1], 1)
        step = width / max(len(self.days) - 1, 1)
        return " ".join(
            f"{i * step:.1f},{height - 1 - (count / top) * (height - 2):.1f}" for i, (_, count) in enumerate(self.days)
        )


def _days(days: int) -> list[date]:
    today = timezone.localdate()
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def _since(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(_days(days)[0], time.min))


def commune_sparkline(commune_id: int, days: int = SPARK_DAYS) -> Sparkline:
    """Visible articles per local day about a commune, over the last ``days`` days (one query)."""
    rows = (
        ArticleCommune.objects.filter(commune_id=commune_id, article__published__gte=_since(days))
        .exclude(article__status=Article.Status.HIDDEN)
        .annotate(day=TruncDate("article__published", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("article_id"))
        .order_by()
    )
    found = {row["day"]: row["count"] for row in rows}
    return Sparkline([(day, found.get(day, 0)) for day in _days(days)])


def source_sparklines(source_ids: list[int], days: int = SPARK_DAYS) -> dict[int, Sparkline]:
    """{source id: articles per local day}, for every source at once (one query)."""
    rows = (
        Article.objects.visible()
        .filter(source_id__in=source_ids, published__gte=_since(days))
        .annotate(day=TruncDate("published", tzinfo=timezone.get_current_timezone()))
        .values("source_id", "day")
        .annotate(count=Count("id"))
        .order_by()
    )
    found: dict[int, dict[date, int]] = {}
    for row in rows:
        found.setdefault(row["source_id"], {})[row["day"]] = row["count"]
    dates = _days(days)
    return {pk: Sparkline([(day, found.get(pk, {}).get(day, 0)) for day in dates]) for pk in source_ids}
