"""Story cards rendered once and reused: each card's HTML is cached under a key made of everything
the card shows, so a new story costs one card, not a page of them.

The key holds the story's fields on the card, its tags, its picture, its event (the other versions'
sources: ``article.cluster.others``), its age as shown ("il y a 5 minutes") and the "everything"
version of ``articles.cache`` (renamed places and sources). A card whose event is not loaded is not
cached: its key could not tell when the other versions change.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles import cache as page_cache
from articles.models import Article
from articles.templatetags.dates_fr import relative_age

CARD_TEMPLATE = "includes/article_card.html"
CARD_SECONDS = 3600
LOCAL_CARDS = 2000


class _Cards:
    """This process's most recent cards (when ``articles.cache.LOCAL_CACHE``)."""

    lock = threading.Lock()
    entries: OrderedDict[str, str] = OrderedDict()


def _event(article: Article) -> tuple | None:
    """What the card shows of the story's event; None (do not cache) if the event is not loaded."""
    if article.cluster_id is None:
        return ()
    cluster = article._state.fields_cache.get("cluster")
    if cluster is None:
        return None
    others = getattr(cluster, "others", None)
    if others is None:
        return None
    versions = tuple((o.pk, o.updated, o.title, o.status, o.source_id) for o in others)
    return (cluster.pk, cluster.updated, cluster.size, versions)


def _picture(article: Article) -> tuple:
    thumb = getattr(article, "thumbnail", None)
    return (thumb.pk, thumb.status, thumb.updated, thumb.folder) if thumb is not None else ()


def _tag_ids(article: Article, name: str) -> tuple[int, ...]:
    """Ids of the story's communes or sections, from the prefetched ones (the card's own)."""
    prefetched = getattr(article, "_prefetched_objects_cache", {}).get(name)
    if prefetched is None:
        return tuple(getattr(article, name).values_list("pk", flat=True))
    return tuple(tag.pk for tag in prefetched)


def card_key(article: Article, pinned: bool, epoch: str, now: datetime | None = None) -> str | None:
    """The cache key of the card as it would render now; None when it must not be cached."""
    event = _event(article)
    if event is None:
        return None
    shown = (
        epoch,
        article.pk,
        article.updated,
        article.title,
        article.status,
        article.is_lead,
        article.published,
        article.source_id,
        _tag_ids(article, "communes"),
        _tag_ids(article, "sections"),
        _picture(article),
        event,
        relative_age(article.published, now),
        pinned,
    )
    return "card:" + hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


def attach(articles: Sequence[Article], *, pinned: bool = False) -> None:
    """Give each story its card as ``article.card_html``: from the cache, else rendered and cached."""
    if not articles:
        return
    epoch, now = page_cache.versions(()), timezone.localtime()
    keys = [card_key(article, pinned, epoch, now) for article in articles]
    found = _cached([k for k in keys if k])
    template = get_template(CARD_TEMPLATE)
    rendered: dict[str, str] = {}
    for article, key in zip(articles, keys, strict=True):
        html = found.get(key) if key else None
        if html is None:
            html = template.render({"article": article, "pinned": pinned})
            if key:
                rendered[key] = html
        article.card_html = mark_safe(html)  # noqa: S308 - our template's output
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)
        _remember(rendered)


def _cached(keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if page_cache.LOCAL_CACHE:
        with _Cards.lock:
            found = {k: _Cards.entries[k] for k in keys if k in _Cards.entries}
    missing = [k for k in keys if k not in found]
    if missing:
        shared = cache.get_many(missing)
        _remember(shared)
        found.update(shared)
    return found


def _remember(cards: dict[str, str]) -> None:
    if not page_cache.LOCAL_CACHE:
        return
    with _Cards.lock:
        _Cards.entries.update(cards)
        for key in cards:
            _Cards.entries.move_to_end(key)
        while len(_Cards.entries) > LOCAL_CARDS:
            _Cards.entries.popitem(last=False)
