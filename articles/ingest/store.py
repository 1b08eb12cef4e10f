"""Storing entries: one identity per entry, idempotent upserts, classification on what changed,
then new articles grouped with other outlets' versions of the same event (``articles.clusters``).

Called inside the poll's single transaction (see poll.py), so a worker killed mid-poll leaves
nothing half-written and the next poll stores the same entries once.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Subquery
from django.dispatch import Signal

from articles import classify
from articles.clusters import assign as clusters
from articles.ingest import locks, pg
from articles.ingest.entries import FeedItem
from articles.models import Article, FetchLog, Source
from articles.models.articles import MATCHING_COLUMNS

logger = logging.getLogger(__name__)
# Sent with a poll's new articles, inside its transaction, once they have their ids: other apps
# (thumbnails) queue their own work from it, so ingest knows nothing about them.
articles_inserted = Signal()

IDENTITY_MAX = 255
KEEP_LOGS = 50
FUTURE_TOLERANCE = timedelta(days=1)
_COMPARED = ("title", "summary", "url", "image", "categories")


@dataclass
class StoreCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _fit(value: str) -> str:
    if len(value) <= IDENTITY_MAX:
        return value
    return "sha1:" + hashlib.sha1(value.encode()).hexdigest()


def _link_tag(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:12]


def identity(entry: FeedItem) -> str:
    """The guid; else the normalised link; else a hash of title and date."""
    if entry.guid:
        return _fit(entry.guid)
    if entry.url:
        return _fit(entry.url)
    return "hash:" + hashlib.sha1(f"{entry.title}\n{entry.raw_date}".encode()).hexdigest()


def identities(entries: list[FeedItem]) -> list[tuple[str, str | None]]:
    """(identity, former identity to look for) per entry.

    Some feeds reuse one guid for different articles: when one poll shows a guid with several links,
    those entries key on guid plus link (like Miniflux). The other form is looked up as well, so a
    article keeps its row when its guid becomes shared, or stops being shared, between polls.
    """
    links_by_guid: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.guid:
            links_by_guid[entry.guid].add(entry.url)
    result = []
    for entry in entries:
        base = identity(entry)
        if entry.guid and entry.url:
            tagged = _fit(f"{entry.guid}#{_link_tag(entry.url)}")
            if len(links_by_guid[entry.guid]) > 1:
                result.append((tagged, base))
            else:
                result.append((base, tagged))
        else:
            result.append((base, None))
    return result


def store_entries(source: Source, entries: list[FeedItem], fetched_at: datetime) -> StoreCounts:
    """Insert new entries and update changed ones. Must run inside the poll's transaction."""
    counts = StoreCounts()
    keys = identities(entries)
    wanted = {key for pair in keys for key in pair if key}
    # The matching columns are only ever written for these rows (``changed_upstream``), never read.
    known = Article.objects.filter(source=source, guid__in=wanted).defer(*MATCHING_COLUMNS)
    existing = {article.guid: article for article in known}
    seen: set[str] = set()
    fresh: list[Article] = []
    changed: list[Article] = []
    for entry, (key, former) in zip(entries, keys, strict=True):
        if key in seen:
            continue  # the same article twice in one document
        seen.add(key)
        article = existing.get(key)
        if article is None and former and former in existing:
            candidate = existing[former]
            # A former plain guid only matches the entry with the same link, not its namesakes.
            if former != identity(entry) or candidate.url == entry.url:
                article = candidate
        if article is not None:
            seen.add(article.guid)
            if article.locked or not _update(article, entry):
                counts.unchanged += 1
            else:
                changed.append(article)
            continue
        fresh.append(_new_article(source, key, entry, fetched_at))
    results = _classify_unsaved(fresh)  # new rows go in with their confidence already set
    _prepare_clusters(fresh)  # ...and with their matching keys: each new row is written once
    if fresh:
        Article.objects.bulk_create(fresh)
        articles_inserted.send(sender=Article, articles=fresh)
    for article in changed:
        article.save(update_fields=[*_COMPARED, "updated"])
    counts.new, counts.updated = len(fresh), len(changed)
    _classify_all(fresh, new=True, results=results)
    _classify_all(changed)
    _assign_clusters(fresh, changed)
    if fresh:
        source.last_new_article_at = fetched_at
    return counts


def _new_article(source: Source, key: str, entry: FeedItem, fetched_at: datetime) -> Article:
    published = entry.published
    if published is None or published > fetched_at + FUTURE_TOLERANCE:
        published = fetched_at  # the raw string stays in raw_date for editors
    return Article(
        source=source,
        guid=key,
        url=entry.url or source.fetch_url,
        title=entry.title[:500],
        summary=entry.summary,
        image=entry.image,
        categories=entry.categories,
        published=published,
        raw_date=entry.raw_date[:200],
        fetched=fetched_at,
    )


def _update(article: Article, entry: FeedItem) -> bool:
    values = {
        "title": entry.title[:500],
        "summary": entry.summary,
        "url": entry.url or article.url,
        "image": entry.image,
        "categories": entry.categories,
    }
    if all(getattr(article, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(article, name, value)
    return True


def _classify_unsaved(articles: list[Article]) -> list | None:
    if not articles:
        return None
    try:
        return classify.classify_unsaved(articles)
    except Exception:
        logger.exception("classification of %d new articles failed; they are stored untagged", len(articles))
        return None


def _classify_all(articles: list[Article], *, new: bool = False, results: list | None = None) -> None:
    """Classify in one savepoint; if anything breaks, redo one savepoint per article.

    A classifier that breaks (even in SQL) then loses only that article's tags, never the poll, and
    the common case costs a few statements per poll instead of several per article.
    """
    if not articles:
        return
    try:
        with transaction.atomic():
            classify.apply_classification_many(articles, new=new, results=results)
        return
    except Exception:
        logger.warning("classification failed in a batch of %d; retrying one by one", len(articles))
    for article in articles:
        try:
            with transaction.atomic():
                classify.apply_classification(article)
        except Exception:
            logger.exception("classification failed for article %s; stored untagged", article.pk)


def _prepare_clusters(fresh: list[Article]) -> None:
    """Give the new articles their matching keys (and, on PostgreSQL, their ids and a cluster of
    one each) before the insert, in a savepoint; if that breaks, they go in without, and grouping
    computes the keys after the insert (and fails in its own savepoint, as it would have)."""
    if not fresh:
        return
    try:
        with transaction.atomic():
            clusters.prepare(fresh)
    except Exception:
        logger.exception("preparing %d new articles for grouping failed; grouped after the insert", len(fresh))
        for article in fresh:
            article.pk, article.cluster_id, article.is_lead = None, None, True
            article.title_key = article.url_key = article.match_text = ""
            article._cluster_prepared = False


def _assign_clusters(fresh: list[Article], changed: list[Article]) -> None:
    """Group new articles with other outlets' versions of their event, once their tags are written;
    changed ones keep their event, whose tags are synced again.

    In a savepoint: if grouping breaks, the articles stay stored, each its own card (no cluster).
    """
    if not fresh and not changed:
        return
    try:
        with transaction.atomic():
            clusters.assign_new(fresh)
            clusters.changed_upstream(changed)
    except Exception:
        logger.exception("grouping %d new articles into events failed; each stays its own card", len(fresh))


def save_poll_state(source: Source, fields: list[str], log: FetchLog, *, release=None) -> None:
    """Save the poll's ``fields`` of the source, add its fetch log and keep the last KEEP_LOGS.

    Poll state sends no signal: it changes nothing a reader sees (articles bump the timelines
    themselves). ``release``, a locks.Lease, is freed once the write has committed.
    On PostgreSQL this is one statement, sent with the unlocks in one message (``pg.py`` says why).
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        _save_poll_state_in_one_message(source, fields, log, release)
        return
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(**{name: getattr(source, name) for name in fields})
        log.save()
        prune_logs(source.pk)


def _save_poll_state_in_one_message(source: Source, fields: list[str], log: FetchLog, release) -> None:
    sql, params = pg.record_poll_sql(source, fields, log, KEEP_LOGS)
    if release is None or not transaction.get_connection().get_autocommit():
        with transaction.get_connection().cursor() as cursor:
            cursor.execute(sql, params)
        return
    unlock, unlock_params = release.release_sql()
    try:
        pg.record_and_unlock(sql, params, unlock, unlock_params)
    except Exception:
        locks.drop_dead_connection()
        raise
    release.released()


def prune_logs(source_id: int, keep: int = KEEP_LOGS) -> None:
    """Keep the source's last ``keep`` fetch logs, in one DELETE."""
    newest = FetchLog.objects.filter(source_id=source_id).order_by("-started", "-id").values("pk")[:keep]
    FetchLog.objects.filter(source_id=source_id).exclude(pk__in=Subquery(newest)).delete()


def relax_commit_durability() -> None:
    """Ask PostgreSQL not to wait for the disk on this process's commits (workers only).

    Everything a worker writes can be fetched again: a server crash loses at most the last
    fraction of a second of polls (never corrupts anything), and each poll then stops waiting on
    an fsync, which dominates a 304 poll on a busy disk.
    """
    from django.db import connection
    from django.db.backends.signals import connection_created

    def apply(connection, **kwargs) -> None:
        if connection.vendor == "postgresql":
            pg.relax_commit_durability_on(connection)

    connection_created.connect(apply, dispatch_uid="newsroom-ingest-async-commit", weak=False)
    if connection.connection is not None:
        apply(connection)
