"""The timelines residents read and subscribers follow: one queryset function shared by pages and feeds.

A timeline is everything, one commune, one section, or one commune and one section. Pages are cut
with a keyset ("Articles plus anciens" carries the last article's date and id), never OFFSET, so a
an article arriving meanwhile neither repeats nor hides one.

Rendered pages and feeds are cached under a version that changes whenever an article or its tags
change (``bump_version``, called by the signals in ``articles.signals`` and by bulk writes).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleQuerySet, Section
from articles.templatetags.dates_fr import day_label
from localities.models import Commune

PAGE_SIZE = 30
FEATURED_LIMIT = 4
FEED_SIZE = 50

VERSION_KEY = "timelines:version"
DIRECTORY_KEY = "timelines:directory:v1"
# Ages ("il y a 5 minutes") are rendered into cached pages, so the cache must stay short.
PAGE_CACHE_SECONDS = getattr(settings, "NEWSROOM_TIMELINE_CACHE_SECONDS", 60)
FEED_CACHE_SECONDS = getattr(settings, "NEWSROOM_FEED_CACHE_SECONDS", 300)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- Cache versions ---------------------------------------------------------------------------
#
# Two layers. The shared cache (Redis) holds the version and every built page and feed, for all
# processes. Each process also keeps the version for VERSION_MEMO_SECONDS and its most recent
# entries in memory, so a hot page or a feed's 304 costs no network round trip at all. An article
# stored by another process (the ingest worker) therefore shows within VERSION_MEMO_SECONDS; one
# stored by this process shows at once. Tests turn the memory layer off unless they test it, since
# the suite clears the shared cache between tests and cannot reach a process's memory.

VERSION_MEMO_SECONDS = 1.0
LOCAL_ENTRIES = 256
LOCAL_CACHE = not getattr(settings, "TESTING", False)


class _Local:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[float, str] | None = None
        self.directory: tuple[float, Directory] | None = None
        self.entries: OrderedDict[str, tuple[str, float, Any]] = OrderedDict()

    def clear(self) -> None:
        with self.lock:
            self.version = None
            self.directory = None
            self.entries.clear()


_local = _Local()
_clock = time.monotonic


def bump_version() -> None:
    """Invalidate every cached timeline page and feed. Call it after writes that send no signal
    (``bulk_create`` of tags, raw SQL); ``Article`` saves, deletes and queryset updates call it already."""
    new = str(time.time_ns())
    cache.set(VERSION_KEY, new, None)
    with _local.lock:
        _local.version = (_clock(), new)


def current_version() -> str:
    memo = _local.version
    if LOCAL_CACHE and memo is not None and _clock() - memo[0] < VERSION_MEMO_SECONDS:
        return memo[1]
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, str(time.time_ns()), None)
        current = cache.get(VERSION_KEY) or "0"
    _local.version = (_clock(), current)
    return current


def cache_key(*parts: str) -> str:
    """A short, safe cache key; parts may come from user input."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"timelines:{digest}"


def lookup(key: str) -> tuple[str, Any]:
    """(current version, value cached under ``key`` for that version, or None)."""
    current = current_version()
    if LOCAL_CACHE:
        with _local.lock:
            entry = _local.entries.get(key)
            if entry is not None and entry[0] == current and entry[1] > time.time():
                _local.entries.move_to_end(key)
                return current, entry[2]
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == current:
        _remember(key, entry)
        return current, entry[2]
    return current, None


def store(key: str, current: str, value: Any, timeout: int) -> None:
    # Stored with the version it was built under: a bump during the build makes it stale at once.
    # The expiry travels with it, so a copy in memory never outlives the shared one.
    entry = (current, time.time() + timeout, value)
    cache.set(key, entry, timeout)
    _remember(key, entry)


def _remember(key: str, entry: tuple[str, float, Any]) -> None:
    if not LOCAL_CACHE:
        return
    with _local.lock:
        _local.entries[key] = entry
        _local.entries.move_to_end(key)
        while len(_local.entries) > LOCAL_ENTRIES:
            _local.entries.popitem(last=False)


def cached(key: str, build: Callable[[], Any], timeout: int) -> Any:
    current, value = lookup(key)
    if value is None:
        value = build()
        store(key, current, value, timeout)
    return value


# --- Communes and sections, looked up without a query on most requests -----------------------


@dataclass(frozen=True)
class Directory:
    communes: list[Commune]
    sections: list[Section]

    def commune(self, slug: str) -> Commune | None:
        return next((c for c in self.communes if c.slug == slug), None)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


DIRECTORY_MEMO_SECONDS = 60.0


def directory() -> Directory:
    """Communes and sections; a rename reaches other processes within DIRECTORY_MEMO_SECONDS."""
    memo = _local.directory
    if LOCAL_CACHE and memo is not None and _clock() - memo[0] < DIRECTORY_MEMO_SECONDS:
        return memo[1]
    found = cache.get(DIRECTORY_KEY)
    if found is None:
        found = Directory(
            communes=list(Commune.objects.only("id", "name", "slug").order_by("name")),
            sections=list(Section.objects.only("id", "name", "slug", "position").order_by("position", "name")),
        )
        cache.set(DIRECTORY_KEY, found, 3600)
    _local.directory = (_clock(), found)
    return found


def forget_directory() -> None:
    _local.directory = None
    cache.delete(DIRECTORY_KEY)


# --- Timelines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    commune: Commune | None = None
    section: Section | None = None

    @property
    def key(self) -> str:
        return f"{self.commune.slug if self.commune else '*'}/{self.section.slug if self.section else '*'}"

    def _route(self) -> tuple[str, dict[str, str]]:
        """The name of the timeline's route in articles/urls.py, and its arguments."""
        if self.commune and self.section:
            return "commune-section", {"commune": self.commune.slug, "section": self.section.slug}
        if self.commune:
            return "commune", {"commune": self.commune.slug}
        if self.section:
            return "section", {"section": self.section.slug}
        return "home", {}

    @property
    def url(self) -> str:
        name, kwargs = self._route()
        return reverse(name, kwargs=kwargs)

    @property
    def rss_url(self) -> str:
        return self.feed_url("rss")

    @property
    def title(self) -> str:
        if self.commune and self.section:
            return f"{self.section.name} à {self.commune.name}"
        if self.commune:
            return self.commune.name
        if self.section:
            return self.section.name
        return "Toute l’actualité"

    def feed_url(self, kind: str) -> str:
        name, kwargs = self._route()
        return reverse(f"{name}-{kind}", kwargs=kwargs)


class UnknownPlace(ObjectDoesNotExist):
    """A commune or section slug that names nothing: the page answers 404."""


def find_timeline(commune: str | None = None, section: str | None = None, places: Directory | None = None) -> Timeline:
    places = places or directory()
    found_commune = places.commune(commune) if commune else None
    found_section = places.section(section) if section else None
    if (commune and found_commune is None) or (section and found_section is None):
        raise UnknownPlace(commune if commune and found_commune is None else section)
    return Timeline(found_commune, found_section)


def requested_page(
    commune: str | None, section: str | None, raw_cursor: str, places: Directory
) -> tuple[Timeline, Cursor | None]:
    """The timeline and page a URL asks for: UnknownPlace (404) or ValueError (a bad "avant" link)."""
    found = find_timeline(commune, section, places)
    return found, Cursor.parse(raw_cursor) if raw_cursor else None


def timeline_articles(timeline: Timeline) -> ArticleQuerySet:
    """The articles of a timeline, newest first. Pages and feeds both start from here."""
    articles = Article.objects.visible()
    if timeline.commune:
        articles = articles.in_commune(timeline.commune)
    if timeline.section:
        articles = articles.in_section(timeline.section)
    return articles.newest_first()


# --- Keyset pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where "Articles plus anciens" starts: the last shown article's date (µs since 1970) and id."""

    published: datetime
    pk: int

    def __str__(self) -> str:
        return f"{(self.published - _EPOCH) // timedelta(microseconds=1)}-{self.pk}"

    @classmethod
    def parse(cls, value: str) -> Cursor:
        """Read a cursor from a URL; ValueError when it is not one of ours."""
        micros, sep, pk = value.partition("-")
        if not sep or not micros.isdigit() or not pk.isdigit() or len(micros) > 17 or len(pk) > 18:
            raise ValueError(f"curseur invalide : {value[:40]!r}")
        return cls(_EPOCH + timedelta(microseconds=int(micros)), int(pk))

    @classmethod
    def after(cls, article: Article) -> Cursor:
        return cls(article.published, article.pk)


@dataclass
class Day:
    label: str
    day: date
    articles: list[Article] = field(default_factory=list)


@dataclass
class Page:
    featured: list[Article]
    articles: list[Article]
    next_cursor: Cursor | None

    @property
    def days(self) -> list[Day]:
        return group_by_day(self.articles)


def group_by_day(articles: list[Article], today: date | None = None) -> list[Day]:
    today = today or timezone.localdate()
    days: list[Day] = []
    for article in articles:
        day = timezone.localtime(article.published).date()
        if not days or days[-1].day != day:
            days.append(Day(day_label(day, today), day))
        days[-1].articles.append(article)
    return days


def timeline_page(timeline: Timeline, cursor: Cursor | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of a timeline in a fixed number of queries: featured, articles, their communes, their sections."""
    articles = timeline_articles(timeline)
    featured: list[Article] = []
    if cursor is None:
        featured = list(articles.featured().select_related("source", "thumbnail")[:FEATURED_LIMIT])
    else:
        articles = articles.before(cursor.published, cursor.pk)
    rows = list(articles.select_related("source", "thumbnail")[: size + 1])
    next_cursor = Cursor.after(rows[size - 1]) if len(rows) > size else None
    rows = rows[:size]
    prefetch_related_objects([*featured, *rows], "communes", "sections")
    return Page(featured, rows, next_cursor)
