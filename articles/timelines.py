"""The timelines residents read and subscribers follow: one queryset function shared by pages and feeds.

A timeline is everything, one commune, one section, or one commune and one section. Pages are cut
with a keyset ("Articles plus anciens" carries the last article's date and id), never OFFSET, so a
an article arriving meanwhile neither repeats nor hides one.

Rendered pages and feeds are cached by ``articles.cache``, under the versions of the scopes a
timeline depends on (``Timeline.scopes``): a story moves those of its communes and sections only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles import cache as page_cache
from articles import cards
from articles.models import Article, ArticleQuerySet, Section
from articles.templatetags.dates_fr import day_label
from localities.models import Commune

PAGE_SIZE = 30
FEATURED_LIMIT = 4
FEED_SIZE = 50

DIRECTORY_KEY = "timelines:directory:v1"
# Ages ("il y a 5 minutes") are rendered into cached pages, so the cache must stay short.
PAGE_CACHE_SECONDS = getattr(settings, "NEWSROOM_TIMELINE_CACHE_SECONDS", 60)
FEED_CACHE_SECONDS = getattr(settings, "NEWSROOM_FEED_CACHE_SECONDS", 300)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- Cache -----------------------------------------------------------------------------------
#
# Versions, entries and the memory layer live in ``articles.cache``; these names stay for callers.

cache_key = page_cache.cache_key
lookup = page_cache.lookup
store = page_cache.store
cached = page_cache.cached
DIRECTORY_MEMO_SECONDS = 60.0


def bump_version() -> None:
    """Make every cached page out of date once the transaction commits.

    Prefer ``articles.cache.changed(articles=..., communes=..., sections=...)``: it spares the other pages."""
    page_cache.changed(everything=True)


class _Directory:
    memo: tuple[float, Directory] | None = None


# --- Communes and sections, looked up without a query on most requests -----------------------


@dataclass(frozen=True)
class Directory:
    communes: list[Commune]
    sections: list[Section]

    def commune(self, slug: str) -> Commune | None:
        return next((c for c in self.communes if c.slug == slug), None)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


def directory() -> Directory:
    """Communes and sections; a rename reaches other processes within DIRECTORY_MEMO_SECONDS."""
    memo = _Directory.memo
    if page_cache.LOCAL_CACHE and memo is not None and page_cache._clock() - memo[0] < DIRECTORY_MEMO_SECONDS:
        return memo[1]
    found = cache.get(DIRECTORY_KEY)
    if found is None:
        found = Directory(
            communes=list(Commune.objects.only("id", "name", "slug").order_by("name")),
            sections=list(Section.objects.only("id", "name", "slug", "position").order_by("position", "name")),
        )
        cache.set(DIRECTORY_KEY, found, 3600)
    _Directory.memo = (page_cache._clock(), found)
    return found


def forget_directory() -> None:
    _Directory.memo = None
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
    def scopes(self) -> tuple[str, ...]:
        """The cache versions its pages and feeds depend on (see ``articles.cache``)."""
        return page_cache.scopes(self.commune, self.section)

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


def timeline_articles(timeline: Timeline, versions: bool = False) -> ArticleQuerySet:
    """The articles of a timeline, newest first: one per event (its lead) unless ``versions``.
    Pages and feeds both start from here."""
    articles = Article.objects.visible() if versions else Article.objects.visible().filter(is_lead=True)
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


def _cards_html(articles: list[Article]) -> SafeString | None:
    """The stories' ready-made cards (``cards.attach``) as list items, or None if one has none."""
    if not all(getattr(article, "card_html", None) for article in articles):
        return None
    return mark_safe("".join(f"<li>{article.card_html}</li>" for article in articles))  # noqa: S308 - cards' HTML


@dataclass
class Day:
    label: str
    day: date
    articles: list[Article] = field(default_factory=list)

    @property
    def cards_html(self) -> SafeString | None:
        return _cards_html(self.articles)


@dataclass
class Page:
    featured: list[Article]
    articles: list[Article]
    next_cursor: Cursor | None

    @property
    def days(self) -> list[Day]:
        return group_by_day(self.articles)

    @property
    def featured_html(self) -> SafeString | None:
        return _cards_html(self.featured)


def group_by_day(articles: list[Article], today: date | None = None) -> list[Day]:
    zone = timezone.get_current_timezone()
    today = today or timezone.localdate(timezone=zone)
    days: list[Day] = []
    for article in articles:
        day = article.published.astimezone(zone).date()
        if not days or days[-1].day != day:
            days.append(Day(day_label(day, today), day))
        days[-1].articles.append(article)
    return days


def timeline_page(timeline: Timeline, cursor: Cursor | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of a timeline in a fixed number of queries: its stories (with those "À la une" on a
    first page), their communes and sections (and their events' other versions). Stories carry what
    their cards show (``cards.load``): other columns load on first use. The queries are compiled once
    per kind of page (``cards.fetch``)."""
    values = (timeline.commune, timeline.section, *((cursor.published, cursor.pk) if cursor else (None, None)))
    featured: list[Article] = []
    if cursor is None:
        stories = cards.load_compiled(("first page", size), _first_page(size), values)
        # The page's stories, then those "À la une" older than its last one: the newest stories with
        # that status (``ArticleQuerySet.featured``) are the block's. Their own copies: a pinned card
        # is not the story's card in its day.
        featured = [story for story in stories if story.status == Article.Status.FEATURED]
        featured = [copy.copy(story) for story in featured[:FEATURED_LIMIT]]
        rows = stories[: size + 1]
    else:
        rows = cards.load_compiled(("later page", size), _later_page(size), values)
    next_cursor = Cursor.after(rows[size - 1]) if len(rows) > size else None
    rows = rows[:size]
    cards.load_relations([*featured, *rows])
    return Page(featured, rows, next_cursor)


def _first_page(size: int) -> Callable[..., ArticleQuerySet]:
    """The first page's query: its ``size + 1`` stories and the newest FEATURED_LIMIT "À la une",
    together newest first (``timeline_page`` tells them apart)."""

    def build(commune: Commune | None, section: Section | None, *no_cursor: None) -> ArticleQuerySet:
        articles = timeline_articles(Timeline(commune, section))
        parts = [articles.featured().values("pk")[:FEATURED_LIMIT], articles.values("pk")[: size + 1]]
        if not connections[articles.db].features.supports_slicing_ordering_in_compound:  # SQLite: one level down
            parts = [Article.objects.filter(pk__in=ids).order_by().values("pk") for ids in parts]
        return Article.objects.filter(pk__in=parts[0].union(parts[1], all=True)).newest_first()

    return build


def _later_page(size: int) -> Callable[..., ArticleQuerySet]:
    """A later page's query: the ``size + 1`` stories after the cursor (``published``, ``pk``)."""

    def build(commune: Commune | None, section: Section | None, published: datetime, pk: int) -> ArticleQuerySet:
        return timeline_articles(Timeline(commune, section)).before(published, pk)[: size + 1]

    return build
