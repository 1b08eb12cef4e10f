"""Template tags: the commune map, sparklines, our thumbnails and the sharing tags of a page."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles import timelines
from localities import map as commune_map
from pictures import activity, sharing

register = template.Library()


@lru_cache(maxsize=1)
def _drawn() -> dict:
    """The built map with its paths marked safe: our own digits and letters, 30 kB not to escape per page."""
    drawn = dict(commune_map.load())
    for key in ("land", "lagoon"):
        drawn[key] = mark_safe(drawn[key])  # noqa: S308 - built by localities.map from numbers only
    drawn["communes"] = [{**shape, "d": mark_safe(shape["d"])} for shape in drawn["communes"]]  # noqa: S308
    return drawn


@register.inclusion_tag("includes/map.html")
def commune_map_for(current=None) -> dict:
    """The map of the communes shaded by their articles of the week (one query); ``current``, a
    commune, makes it a locator with that commune outlined."""
    drawn = _drawn()
    counts = activity.commune_counts()
    places = {c.slug: c for c in timelines.directory().communes}
    communes = []
    for shape in drawn["communes"]:
        place = places.get(shape["slug"])
        if place is None:  # a commune renamed since the map was built keeps its shape, without a link
            continue
        count = counts.get(place.pk, 0)
        communes.append(
            {
                **shape,
                "name": place.name,
                "url": reverse("commune", args=[place.slug]),
                "count": count,
                "articles": activity.articles_label(count),
                "fill": activity.shade(count),
                "ink": activity.ink(count),
                "current": current is not None and place.pk == current.pk,
            }
        )
    return {
        "map": drawn,
        "communes": communes,
        "current": current,
        "legend": activity.legend(),
        "days": activity.MAP_DAYS,
    }


@register.inclusion_tag("includes/sparkline.html")
def commune_sparkline(commune) -> dict:
    return {"spark": activity.commune_sparkline(commune.pk), "label": f"Articles sur {commune.name}"}


@register.simple_tag
def attach_sparklines(sources) -> str:
    """Give each source a ``sparkline`` attribute, for all sources in one query."""
    sources = list(sources)
    lines = activity.source_sparklines([s.pk for s in sources])
    for source in sources:
        source.sparkline = lines[source.pk]
    return ""


@register.inclusion_tag("includes/sparkline.html")
def sparkline(spark, label: str = "Articles") -> dict:
    return {"spark": spark, "label": label}


@register.inclusion_tag("pictures/picture.html")
def thumbnail(article, size: str = "card", alt: str = "") -> dict:
    """Our copy of the article's picture (never the original address), or nothing."""
    thumb = getattr(article, "thumbnail", None)  # select_related: no query; absent: None
    if thumb is None or not thumb.ready:
        return {"thumb": None}
    if size == "card":
        from pictures.images import CARD_HEIGHT, CARD_WIDTH

        width, height = CARD_WIDTH, CARD_HEIGHT
    else:
        width, height = thumb.width, thumb.height
    return {
        "thumb": thumb,
        "size": size,
        "webp": thumb.url(size, "webp"),
        "jpeg": thumb.url(size, "jpg"),
        "width": width,
        "height": height,
        "alt": alt,
    }


@register.inclusion_tag("includes/meta.html", takes_context=True)
def sharing_tags(context) -> dict:
    """Open Graph and Twitter card of the page being rendered (in <head>)."""
    return sharing.page_meta(context)


@register.inclusion_tag("includes/meta_json_ld.html", takes_context=True)
def json_ld(context, where: str) -> dict:
    """The page's JSON-LD: an article's in <head>, a timeline's list at the end of <body>, after the
    items it lists (search engines read both places)."""
    return {"json_ld": sharing.page_json_ld(context, where)}


@register.inclusion_tag("pictures/coverage.html")
def coverage_box() -> dict:
    """Silent communes and sources (two queries)."""
    from django.conf import settings

    from pictures import coverage

    return {
        "silent_communes": coverage.silent_communes(),
        "silent_sources": coverage.silent_sources(),
        "silent_days": settings.NEWSROOM_SILENT_COMMUNE_DAYS,
    }
