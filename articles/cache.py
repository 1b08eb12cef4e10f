"""Cached pages and feeds, and the versions that tell when one is out of date.

Every cached page depends on a few *scopes*: "all" (the home page, feeds and searches without a
place), one commune, one section, or one commune and one section (a page of both depends on both).
Each scope has a version in the shared cache; a page is stored with the versions it was built under
and is fresh while they have not moved. A new or changed story moves "all" and the scopes of its
communes and sections only, so a Sète story leaves the Frontignan page cached. "everything" is under
every page: renames, sources, election imports move it.

Writers say what changed with one call, ``changed(...)``: it waits for the transaction to commit
(a reader never caches the old state in between) and gathers every change of a transaction into
one round trip to the shared cache.

Two layers. The shared cache (Redis) holds versions and pages for all processes. Each process also
keeps the versions for VERSION_MEMO_SECONDS and its most recent entries in memory, so a hot page
costs no network round trip at all; a story stored by another process shows within
VERSION_MEMO_SECONDS, one stored by this process at once. Tests turn the memory layer off unless
they test it, since the suite clears the shared cache between tests and cannot reach a process's memory.

No dog-pile: when a page is out of date one request rebuilds it (it holds a short flag set with
``cache.add``) while the others serve the previous copy, or wait for the new one if there is none.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

EVERYTHING = "everything"
ALL = "all"
VERSION_PREFIX = "pages:v:"
VERSION_MEMO_SECONDS = 1.0
LOCAL_ENTRIES = 256
LOCAL_CACHE = not getattr(settings, "TESTING", False)
# A page out of date is still served this long past its expiry while one request rebuilds it.
STALE_SECONDS = 30
# How long a rebuild may hold its flag; requests with nothing to serve wait at most this long.
BUILD_SECONDS = 5.0
WAIT_STEP = 0.01
# Past this many stories in one change, every page is out of date: cheaper than finding their places.
MAX_ARTICLES = 2000


def commune_scope(commune: Any) -> str:
    return f"c:{getattr(commune, 'pk', commune)}"


def section_scope(section: Any) -> str:
    return f"s:{getattr(section, 'pk', section)}"


def scopes(commune: Any = None, section: Any = None) -> tuple[str, ...]:
    """The scopes a timeline's pages (or a search's, or a feed's) depend on."""
    found = ((commune_scope(commune),) if commune else ()) + ((section_scope(section),) if section else ())
    return found or (ALL,)


def version_key(scope: str) -> str:
    return VERSION_PREFIX + scope


class _Local:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.versions: dict[str, tuple[float, str]] = {}
        self.entries: OrderedDict[str, tuple[str, float, Any]] = OrderedDict()

    def clear(self) -> None:
        with self.lock:
            self.versions.clear()
            self.entries.clear()


_local = _Local()
_clock = time.monotonic


# --- Versions ---------------------------------------------------------------------------------


def versions(needed: Iterable[str]) -> str:
    """The current versions of ``needed`` (and of "everything"), as one string."""
    wanted = (EVERYTHING, *needed)
    now = _clock()
    found: dict[str, str] = {}
    if LOCAL_CACHE:
        for scope in wanted:
            memo = _local.versions.get(scope)
            if memo is not None and now - memo[0] < VERSION_MEMO_SECONDS:
                found[scope] = memo[1]
    missing = [scope for scope in wanted if scope not in found]
    if missing:
        found.update(_shared_versions(missing))
        with _local.lock:
            _local.versions.update({scope: (now, found[scope]) for scope in missing})
    return "|".join(found[scope] for scope in wanted)


def _shared_versions(scopes_: list[str]) -> dict[str, str]:
    stored = cache.get_many([version_key(s) for s in scopes_])
    found = {}
    for scope in scopes_:
        value = stored.get(version_key(scope))
        if value is None:  # never bumped, or evicted: start one, unless another process just did
            cache.add(version_key(scope), str(time.time_ns()), None)
            value = cache.get(version_key(scope)) or "0"
        found[scope] = value
    return found


def bump(scopes_: Iterable[str]) -> None:
    """Move these versions on now (``changed`` is what writers call: it waits for the commit)."""
    new = str(time.time_ns())
    keys = set(scopes_)
    cache.set_many({version_key(s): new for s in keys}, None)
    now = _clock()
    with _local.lock:
        _local.versions.update(dict.fromkeys(keys, (now, new)))


# --- What changed: gathered per transaction, applied once it commits --------------------------


@dataclass
class _Changes:
    """What one transaction changed; ``apply`` runs once it commits (its later registrations do nothing)."""

    articles: set[int] = field(default_factory=set)
    clusters: set[int] = field(default_factory=set)
    scopes: set[str] = field(default_factory=set)
    everything: bool = False
    done: bool = False

    def apply(self) -> None:
        if self.done:
            return
        self.done = True
        if not self.everything and (self.articles or self.clusters):
            found = _places_of(self.articles, self.clusters)
            self.everything = found is None
            self.scopes |= found or set()
        if self.everything:
            bump([EVERYTHING])
        elif self.articles or self.clusters or self.scopes:
            bump({ALL, *self.scopes})


def changed(
    *,
    articles: Iterable[Any] = (),
    communes: Iterable[Any] = (),
    sections: Iterable[Any] = (),
    clusters: Iterable[Any] = (),
    everything: bool = False,
) -> None:
    """Once the current transaction commits (at once outside one), make out of date every cached
    page that shows these stories (ids or instances: their communes and sections when it commits,
    the home page, feeds and searches), communes, sections, or the stories of these clusters;
    ``everything=True``: every page. Pass the communes and sections a story *loses* yourself when no
    signal tells (a ``post_delete`` of its tag does)."""
    ids = {_pk(a) for a in articles}
    if None in ids:  # stories never saved, or bulk-created without their ids: cannot tell where they show
        everything, ids = True, ids - {None}
    pending = _pending_changes()
    pending.articles |= ids
    pending.clusters |= {_pk(c) for c in clusters}
    pending.scopes |= {commune_scope(c) for c in communes} | {section_scope(s) for s in sections}
    pending.everything = pending.everything or everything
    # Registered again at each call: the first to run (at commit) does the work, the others nothing.
    # (Tests that capture the callbacks of a block see one from that block.)
    transaction.on_commit(pending.apply, robust=True)


def articles_changed(articles: Iterable[Any]) -> None:
    """``changed(articles=...)``: these stories (ids or instances) were written."""
    changed(articles=articles)


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _pending_changes() -> _Changes:
    """The changes waiting for this transaction's commit: the last callback registered, if ours."""
    connection = transaction.get_connection()
    last = connection.run_on_commit[-1][1] if connection.in_atomic_block and connection.run_on_commit else None
    pending = getattr(last, "__self__", None)
    return pending if isinstance(pending, _Changes) and not pending.done else _Changes()


def _places_of(articles: set[int], clusters: set[int]) -> set[str] | None:
    """The scopes of the tags of these stories, of the other versions of their events (a card shows
    them) and of these clusters' stories, in one query; None when there are too many stories."""
    from django.db.models import Q, Value

    from articles.models import Article, ArticleCommune, ArticleSection

    if len(articles) > MAX_ARTICLES:
        return None
    if not (articles or clusters):
        return set()
    their_events = Article.objects.filter(pk__in=articles, cluster__isnull=False).values("cluster_id")
    shown = Article.objects.filter(
        Q(pk__in=articles) | Q(cluster_id__in=their_events) | Q(cluster_id__in=clusters)
    ).values("pk")
    tags = (
        ArticleCommune.objects.filter(article_id__in=shown)
        .values_list(Value("c"), "commune_id")
        .union(ArticleSection.objects.filter(article_id__in=shown).values_list(Value("s"), "section_id"))
    )
    return {f"{kind}:{pk}" for kind, pk in tags}


# --- Entries ----------------------------------------------------------------------------------


def cache_key(*parts: str) -> str:
    """A short, safe cache key; parts may come from user input."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"timelines:{digest}"


def _find(key: str) -> tuple[str, float, Any] | None:
    """The entry under ``key`` (version, fresh until, value): from memory, else the shared cache."""
    if LOCAL_CACHE:
        with _local.lock:
            entry = _local.entries.get(key)
            if entry is not None:
                _local.entries.move_to_end(key)
                return entry
    return _shared(key)


def _shared(key: str) -> tuple[str, float, Any] | None:
    entry = cache.get(key)
    if isinstance(entry, tuple) and len(entry) == 3:
        _remember(key, entry)
        return entry
    return None


def _entry(key: str, current: str) -> tuple[str, float, Any] | None:
    entry = _find(key)
    if LOCAL_CACHE and entry is not None and not _fresh(entry, current):
        entry = _shared(key)  # memory had an older copy: another process may have built it already
    return entry


def _fresh(entry: tuple[str, float, Any] | None, current: str) -> bool:
    return entry is not None and entry[0] == current and entry[1] > time.time()


def lookup(key: str, depends: Iterable[str] = (ALL,)) -> tuple[str, Any]:
    """(current versions, the value cached under ``key`` for them, or None)."""
    current = versions(depends)
    entry = _entry(key, current)
    return current, entry[2] if _fresh(entry, current) else None


def store(key: str, current: str, value: Any, timeout: int) -> None:
    # Stored with the versions it was built under: a bump during the build makes it stale at once.
    # The expiry travels with it, so a copy in memory never outlives the shared one; the shared copy
    # lives STALE_SECONDS more, to be served while the next one is built.
    entry = (current, time.time() + timeout, value)
    cache.set(key, entry, timeout + STALE_SECONDS)
    _remember(key, entry)


def _remember(key: str, entry: tuple[str, float, Any]) -> None:
    if not LOCAL_CACHE:
        return
    with _local.lock:
        _local.entries[key] = entry
        _local.entries.move_to_end(key)
        while len(_local.entries) > LOCAL_ENTRIES:
            _local.entries.popitem(last=False)


def cached(key: str, build: Callable[[], Any], timeout: int, depends: Iterable[str] = (ALL,)) -> Any:
    """The value under ``key`` for the current versions of ``depends``; else one request builds it
    while the others serve the previous value (or wait for the new one when there is none)."""
    current = versions(depends)
    entry = _entry(key, current)
    if _fresh(entry, current):
        return entry[2]
    return _rebuild(key, build, timeout, current, entry)


def timed(key: str, build: Callable[[], Any], timeout: int) -> Any:
    """The value under ``key``, built at most once every ``timeout`` seconds whatever changes
    meanwhile (figures that may be that old); as ``cached`` otherwise."""
    entry = _entry(key, "")
    if _fresh(entry, ""):
        return entry[2]
    return _rebuild(key, build, timeout, "", entry)


def _rebuild(key: str, build: Callable[[], Any], timeout: int, current: str, entry) -> Any:
    flag = f"{key}:building"
    if not cache.add(flag, 1, BUILD_SECONDS):
        if entry is not None:
            return entry[2]  # someone is building the new one: the previous one meanwhile
        entry = _wait_for(key, current)
        if entry is not None:
            return entry[2]
    try:
        value = build()
        store(key, current, value, timeout)
    finally:
        cache.delete(flag)
    return value


def _wait_for(key: str, current: str) -> tuple[str, float, Any] | None:
    """Wait for another request's build of ``key`` (at most BUILD_SECONDS); None if it never came."""
    deadline = time.monotonic() + BUILD_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP)
        building = cache.get(f"{key}:building")
        entry = cache.get(key)  # read after the flag: a build stores its entry before it drops the flag
        if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == current:
            _remember(key, entry)
            return entry
        if not building:
            return None  # the build failed or was for other versions: build it ourselves
    return None
