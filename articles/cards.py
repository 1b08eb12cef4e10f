"""Story cards rendered once and reused: each card's HTML is cached under a key made of everything
the card shows, so a new story costs one card, not a page of them.

The key holds the story's fields on the card, its tags, its picture, its event (the other versions'
sources: ``article.cluster.others``), its age as shown ("il y a 5 minutes"), a search result's
marked title and excerpt, and the "everything" version of ``articles.cache`` (renamed places and
sources). A card whose event is not loaded is not cached: its key could not tell when the other
versions change. Timelines and search results use them.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Model, QuerySet, TextField, Value
from django.db.models.base import ModelState
from django.db.models.functions import Cast
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles import cache as page_cache
from articles.models import Article, ArticleCommune, ArticleSection, Cluster, Section, Source
from articles.templatetags.dates_fr import local_relative_age
from localities.models import Commune

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
    prefetched = loaded_tags(article, name)
    if prefetched is None:
        return tuple(getattr(article, name).values_list("pk", flat=True))
    return tuple(tag.pk for tag in prefetched)


def card_key(article: Article, pinned: bool, epoch: str, now: datetime) -> str | None:
    """The cache key of the card as it would render at ``now``, the local time
    (``timezone.localtime()``); None when it must not be cached."""
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
        local_relative_age(article.published.astimezone(now.tzinfo), now),
        pinned,
        # A search result's title and excerpt, its matches marked (``articles.search``).
        getattr(article, "title_html", None),
        getattr(article, "excerpt_html", None),
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


# --- Loading stories for cards ------------------------------------------------------------------
#
# A page of cards needs a few columns of each story and of its source, picture and event. Built by
# the ORM (select_related, prefetch_related), the stories, their relations and one filtered
# queryset per story and tag kind cost far more than the SQL. ``load`` reads plain rows and makes
# the instances itself, as ``.only()`` would have: the other columns load on first access, one
# query each. ``load_relations`` reads the tags and the events' other versions in one query each.
# Measured by ``bench/web.py`` (cold paths, 100,000 stories on PostgreSQL, the same minute): a
# 50-card timeline whose cards are cached took 42 ms through the ORM and takes 25 ms this way.
# ``QuerySet.for_cards()`` is the ORM form of the same load, kept for feeds and single pages.

# The story's columns a card shows or its cache key reads (``card_key``).
CARD_COLUMNS = ("id", "published", "title", "status", "is_lead", "updated", "source_id", "cluster_id")
_SOURCE_COLUMNS = ("source__name",)
_THUMBNAIL_COLUMNS = ("id", "status", "folder", "width", "height", "updated")
_CLUSTER_COLUMNS = ("updated", "size")
_COLUMNS = (
    *CARD_COLUMNS,
    *_SOURCE_COLUMNS,
    *(f"thumbnail__{name}" for name in _THUMBNAIL_COLUMNS),
    *(f"cluster__{name}" for name in _CLUSTER_COLUMNS),
)
_THUMBNAIL = Article._meta.get_field("thumbnail")  # pictures.Thumbnail, named without importing it
# Timestamps: on PostgreSQL they come as text, read by datetime.fromisoformat (the same aware UTC
# datetime): Django's psycopg loader costs some 15 µs a value, a third of a page's time.
_TIMESTAMPS = frozenset({"published", "updated", "thumbnail__updated", "cluster__updated"})


def _instance(model, db: str, values: dict[str, Any]):
    """A model instance from the database with only ``values`` loaded (like ``Model.from_db`` after
    ``.only()``; no model has init signals here)."""
    obj = model.__new__(model)
    state = obj._state = ModelState()
    state.adding, state.db = False, db
    obj.__dict__.update(values)
    return obj


def load(queryset: QuerySet, limit: int | None = None, extra: tuple[str, ...] = ()) -> list[Article]:
    """The stories of ``queryset`` (in its order, at most ``limit``) with what a card shows: their
    columns in CARD_COLUMNS, their source's name, their picture and their event, in one query.
    ``extra`` names more columns or annotations, set on each story as they are."""
    rows = _rows(queryset, (*_COLUMNS, *extra))
    if limit is not None:
        rows = rows[:limit]
    return _stories(rows, queryset.db, extra)


def load_compiled(shape: tuple, build: Callable[..., QuerySet], values: tuple) -> list[Article]:
    """``load(build(*values))``, its SQL compiled once per ``shape`` (``fetch``): ``shape`` names
    the caller's ``build`` and holds what else changes its SQL (a page's size)."""
    db = Article.objects.db
    return _stories(fetch(shape, lambda *given: _rows(build(*given), _COLUMNS), values, db), db, ())


def _stories(rows, db: str, extra: tuple[str, ...]) -> list[Article]:
    """Stories, their sources, pictures and events from rows of ``_COLUMNS`` and ``extra``."""
    sources: dict[int, Source] = {}
    n, s, t = len(CARD_COLUMNS), len(CARD_COLUMNS) + len(_SOURCE_COLUMNS), len(_THUMBNAIL_COLUMNS)
    c = s + t
    articles = []
    for row in _read_times(rows, (*_COLUMNS, *extra)):
        article = _instance(Article, db, dict(zip(CARD_COLUMNS, row[:n], strict=True)))
        source = sources.get(article.source_id)
        if source is None:
            source = sources[article.source_id] = _instance(Source, db, {"id": article.source_id, "name": row[n]})
        cache = article._state.fields_cache
        cache["source"] = source
        thumbnail = None
        if row[s] is not None:
            thumbnail = _instance(_THUMBNAIL.related_model, db, dict(zip(_THUMBNAIL_COLUMNS, row[s:c], strict=True)))
            thumbnail.article_id = article.pk
            thumbnail._state.fields_cache["article"] = article
        cache["thumbnail"] = thumbnail
        cluster = None
        if article.cluster_id is not None:
            values = dict(zip(_CLUSTER_COLUMNS, row[c : c + len(_CLUSTER_COLUMNS)], strict=True))
            cluster = _instance(Cluster, db, {"id": article.cluster_id, **values})
        cache["cluster"] = cluster
        if extra:
            article.__dict__.update(zip(extra, row[c + len(_CLUSTER_COLUMNS) :], strict=True))
        articles.append(article)
    return articles


def _rows(queryset: QuerySet, columns: tuple[str, ...]) -> QuerySet:
    """``queryset.values_list(*columns)``, timestamps as text on PostgreSQL (``_read_times``)."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.values_list(*columns)
    return queryset.values_list(*(Cast(c, TextField()) if c in _TIMESTAMPS else c for c in columns))


def _read_times(rows: QuerySet, columns: tuple[str, ...]) -> Iterator[tuple]:
    """The rows of ``_rows``, their timestamps as datetimes."""
    at = [i for i, column in enumerate(columns) if column in _TIMESTAMPS]
    for row in rows:
        if any(isinstance(row[i], str) for i in at):
            row = list(row)
            for i in at:
                if isinstance(row[i], str):
                    row[i] = datetime.fromisoformat(row[i])
        yield row


# --- Queries compiled once per shape --------------------------------------------------------------
#
# Building and compiling a page's few querysets cost Django more than PostgreSQL took to run them.
# ``fetch`` compiles a query once per shape, with stand-ins for the values that change between calls
# (places, cursors, ids), and puts each call's values in their places in the parameters.

_STAND_IN = -(1 << 30)  # ids are positive; within any integer column's range
_STAND_IN_TIME = datetime(1, 1, 2, tzinfo=UTC)
_COMPILED_SIZE = 1024


class _Compiled:
    """{(database, shape): (SQL, parameters, which value each parameter is, or None) or None when
    the values could not all be found among the parameters (compiled on each call then)}."""

    statements: dict[tuple, tuple[str, tuple, tuple] | None] = {}


def fetch(shape: tuple, build: Callable[..., QuerySet], values: tuple, db: str) -> list[tuple]:
    """The rows of ``build(*values)``, a ``values_list`` queryset on ``db``. On PostgreSQL its SQL is
    compiled once for each ``shape`` and pattern of None among ``values``: ``shape`` must hold
    whatever else changes the SQL (limits, columns, the number of values). Values are model
    instances (their pk goes in the query), ids or aware datetimes."""
    if connections[db].vendor != "postgresql":
        return list(build(*values))
    key = (db, shape, tuple(value is None for value in values))
    if key not in _Compiled.statements:
        if len(_Compiled.statements) >= _COMPILED_SIZE:
            _Compiled.statements.clear()
        _Compiled.statements[key] = _compile(build, values, db)
    statement = _Compiled.statements[key]
    if statement is None:
        return list(build(*values))
    sql, params, slots = statement
    given = [getattr(value, "pk", value) for value in values]
    params = [param if slot is None else given[slot] for param, slot in zip(params, slots, strict=True)]
    with connections[db].cursor() as cursor:
        if all(isinstance(param, int) and not isinstance(param, bool) for param in params):
            # Only numbers (a page's ids): written into the SQL as the client-side cursor would, without
            # its cost per parameter (some 2 µs; the tags of a page of stories take a hundred).
            cursor.execute(sql % tuple(int(param) for param in params))
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


def _compile(build: Callable[..., QuerySet], values: tuple, db: str) -> tuple[str, tuple, tuple] | None:
    """(SQL, parameters, slots) of ``build`` on stand-ins for ``values``; None when a stand-in is
    not found as such among the parameters (its value would have been changed on the way)."""
    stand_ins = [_stand_in(value, i, db) for i, value in enumerate(values)]
    raw = [getattr(value, "pk", value) for value in stand_ins]
    try:
        sql, params = build(*stand_ins).query.get_compiler(using=db).as_sql()
    except EmptyResultSet:
        return None
    slots = tuple(_slot(param, raw) for param in params)
    wanted = {i for i, value in enumerate(values) if value is not None}
    return (sql, tuple(params), slots) if wanted <= set(slots) else None


def _stand_in(value: Any, i: int, db: str) -> Any:
    """The ``i``-th value's stand-in, of its kind, that no real value equals."""
    if value is None:
        return None
    if isinstance(value, Model):
        return _instance(type(value), db, {type(value)._meta.pk.attname: _STAND_IN - i})
    if isinstance(value, datetime):
        return _STAND_IN_TIME + timedelta(microseconds=i)
    if isinstance(value, int) and not isinstance(value, bool):
        return _STAND_IN - i
    raise TypeError(f"no stand-in for {type(value).__name__}")


def _slot(param: Any, stand_ins: list) -> int | None:
    """Which value ``param`` stands for, if it is one of the stand-ins."""
    if isinstance(param, bool) or not isinstance(param, int | datetime):
        return None
    found = (i for i, stand_in in enumerate(stand_ins) if type(stand_in) is type(param) and stand_in == param)
    return next(found, None)


class _Prefetched(dict):
    """A story's ``_prefetched_objects_cache`` whose querysets are made on first use from the rows
    ``load_relations`` read: a card taken from the card cache never asks for them."""

    def __init__(self, article: Article, loaded: dict[str, list]):
        super().__init__()
        self.article = article
        self.loaded = loaded

    def __missing__(self, name: str) -> QuerySet:
        objects = self.loaded.pop(name)  # KeyError when not loaded, as a dict
        queryset = getattr(self.article, name).get_queryset()  # not cached any more: filtered on the story
        queryset._result_cache = objects
        queryset._prefetch_done = True
        self[name] = queryset
        return queryset

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or name in self.loaded

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - self.get is this method

    def pop(self, name: str, *default: Any) -> Any:
        loaded = self.loaded.pop(name, None)
        if loaded is not None and not dict.__contains__(self, name):
            return loaded
        return dict.pop(self, name, *default)

    def __delitem__(self, name: str) -> None:
        if self.loaded.pop(name, None) is None or dict.__contains__(self, name):
            dict.__delitem__(self, name)


def loaded_tags(article: Article, name: str) -> list | None:
    """The story's communes or sections ("communes", "sections") as loaded with it, without making
    a queryset; None when they were not loaded."""
    prefetched = getattr(article, "_prefetched_objects_cache", None)
    if prefetched is None:
        return None
    if isinstance(prefetched, _Prefetched) and name in prefetched.loaded:
        return prefetched.loaded[name]
    found = prefetched.get(name)
    return None if found is None else list(found)


def load_relations(articles: Sequence[Article]) -> None:
    """Give the stories from ``load`` their communes and sections (``article.communes.all()``, as
    prefetched, in their models' order) and their events' other visible versions, oldest first,
    with their sources (``article.cluster.others``): one query, two when a story has an event."""
    if not articles:
        return
    db = articles[0]._state.db
    communes, sections = _tags({article.pk for article in articles}, db)
    for article in articles:
        article._prefetched_objects_cache = _Prefetched(
            article, {"communes": communes.get(article.pk, []), "sections": sections.get(article.pk, [])}
        )
    clusters = [article.cluster for article in articles if article.cluster_id is not None]
    if not clusters:
        return
    versions: dict[int, list[Article]] = {cluster.pk: [] for cluster in clusters}
    columns = (*CARD_COLUMNS, "source__name")

    def build(*ids: int) -> QuerySet:
        rows = Article.objects.using(db).visible().filter(is_lead=False, cluster_id__in=ids)
        return _rows(rows.order_by("published", "id"), columns)

    sources = {article.source_id: article.source for article in articles}
    n = len(CARD_COLUMNS)
    for row in _read_times(fetch(("versions", len(versions)), build, tuple(versions), db), columns):
        version = _instance(Article, db, dict(zip(CARD_COLUMNS, row[:n], strict=True)))
        source = sources.get(version.source_id)
        if source is None:
            source = sources[version.source_id] = _instance(Source, db, {"id": version.source_id, "name": row[n]})
        version._state.fields_cache["source"] = source
        versions[version.cluster_id].append(version)
    for cluster in clusters:
        cluster.others = versions[cluster.pk]


def _tags(ids: set[int], db: str) -> tuple[dict[int, list], dict[int, list]]:
    """({story id: [its communes]}, {story id: [its sections]}) in one query, in each model's order
    (communes by name, sections by position then name); one instance per tag, shared by the stories."""

    def rows(ids: tuple[int, ...], through, name: str, kind: int, position) -> QuerySet:
        columns = {
            "kind": Value(kind),
            "story": F("article_id"),
            "tag": F(f"{name}_id"),
            "tag_name": F(f"{name}__name"),
            "tag_slug": F(f"{name}__slug"),
            "tag_position": position,
        }
        return through.objects.using(db).filter(article_id__in=ids).annotate(**columns).values_list(*columns)

    def both(*ids: int) -> QuerySet:
        communes = rows(ids, ArticleCommune, "commune", 0, Value(0))
        sections = rows(ids, ArticleSection, "section", 1, F("section__position"))
        return communes.union(sections, all=True).order_by("kind", "tag_position", "tag_name")

    models = (Commune, Section)
    found: tuple[dict[int, list], dict[int, list]] = ({}, {})
    tags: dict[tuple[int, int], Any] = {}
    for kind, article_id, pk, name, slug, _position in fetch(("tags", len(ids)), both, tuple(ids), db):
        tag = tags.get((kind, pk))
        if tag is None:
            tag = tags[kind, pk] = _instance(models[kind], db, {"id": pk, "name": name, "slug": slug})
        found[kind].setdefault(article_id, []).append(tag)
    return found
