"""The admin's doors into ingestion, classification and timelines: the few calls the desk makes.

The admin loads before the task modules are needed, so the Celery task is imported where it is used.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from articles import cache as page_cache
from articles import classify
from articles.ingest import discover, fetch, scrape
from articles.models import Article, Source


def reclassify(queryset: QuerySet[Article]) -> int:
    """Run the classifier again on these articles; editor tags and exclusions stay as they are."""
    return classify.reclassify(queryset)


def bump_timelines(articles) -> None:
    """Bulk ``.update()`` sends no signal: tell the timeline caches that these articles (ids) changed."""
    page_cache.changed(articles=articles)


def enqueue_poll(source: Source) -> None:
    """Queue a poll of ``source`` once the current transaction commits; an editor's "now" skips the schedule."""
    from articles.tasks import poll_source

    poll_source.delay_on_commit(source.pk, force=True)


def add_source(url: str, *, name: str | None = None, recipe: dict | None = None, section=None, commune=None) -> Source:
    """Create a source from a site or feed URL; discovery finds the feed.

    Raises ValueError (articles.ingest.discover.DiscoveryError) with a readable reason on bad input.
    """
    return discover.add_source(url, name=name or None, recipe=recipe or None, section=section, commune=commune)


def preview_recipe(url: str, recipe: dict, fetched_at: datetime) -> list:
    """The items ``recipe`` extracts from the live page at ``url``. Fetches, saves nothing.

    Raises ValueError (a bad recipe, an unreadable page) with a sentence for the editor.
    """
    try:
        result = fetch.fetch(url)
    except fetch.FetchError as exc:
        raise ValueError(f"Impossible de lire la page : {exc}") from exc
    return scrape.extract_items(result.body, recipe, result.url, fetched_at)
