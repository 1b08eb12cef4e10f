"""The admin's doors into ingestion, sorting and timelines.

Those modules are written by other issues; each door imports inside the function so the admin
still loads, and says clearly what is missing, while one of them is not there yet.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import QuerySet

from articles.models import Article, Source

logger = logging.getLogger(__name__)


class PipelineMissing(RuntimeError):
    """A part of the pipeline the admin needs is not installed yet."""


def reclassify(queryset: QuerySet[Article]) -> int:
    """Run the classifier again on these stories; editor tags and exclusions stay as they are."""
    from articles import classify

    if hasattr(classify, "reclassify"):
        return classify.reclassify(queryset)
    count = 0
    for article in queryset.iterator():
        classify.apply_classification(article)
        count += 1
    return count


def bump_timelines() -> None:
    """Bulk ``.update()`` sends no signal: tell the timeline caches that stories changed."""
    try:
        from articles.timelines import bump_version
    except ImportError:
        logger.info("articles.timelines.bump_version is not there yet: timeline caches expire on their own")
        return
    bump_version()


def enqueue_poll(source: Source) -> None:
    """Queue a poll of ``source`` once the current transaction commits; an editor's "now" skips the schedule."""
    try:
        from articles.tasks import poll_source
    except ImportError as exc:
        raise PipelineMissing("Le relevé des sources (articles.tasks.poll_source) n’est pas encore installé.") from exc
    poll_source.delay_on_commit(source.pk, force=True)


def add_source(url: str, *, name: str | None = None, recipe: dict | None = None, section=None, commune=None) -> Source:
    """Create a source from a site or feed URL; discovery finds the feed.

    Raises ValueError (articles.ingest.discover.DiscoveryError) with a readable reason on bad input.
    """
    try:
        from articles.ingest.discover import add_source as discover_and_add
    except ImportError as exc:
        raise PipelineMissing("La découverte des flux (articles.ingest.discover) n’est pas encore installée.") from exc
    return discover_and_add(url, name=name or None, recipe=recipe or None, section=section, commune=commune)


def preview_recipe(url: str, recipe: dict, fetched_at: datetime) -> list:
    """The items ``recipe`` extracts from the live page at ``url``. Fetches, saves nothing.

    Raises ValueError (a bad recipe, an unreadable page) with a sentence for the editor.
    """
    try:
        from articles.ingest import fetch, scrape
    except ImportError as exc:
        raise PipelineMissing("L’extraction de pages (articles.ingest.scrape) n’est pas encore installée.") from exc
    try:
        result = fetch.fetch(url)
    except fetch.FetchError as exc:
        raise ValueError(f"Impossible de lire la page : {exc}") from exc
    return scrape.extract_items(result.body, recipe, result.url, fetched_at)
