"""Putting articles into clusters: at ingest (``prepare`` before the insert, ``assign_new`` after the
tags) and when reclustering (``recluster``).

Both go through ``Pool``: the versions already placed, indexed by commune (sorted by date), by
exact key, and by cluster span. ``place`` walks the pending versions oldest first, so the earliest
version of an event founds its cluster and later ones join it. ``write`` stores the outcome.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, ArticleCommune, Cluster

from . import normalise, state
from .match import (
    COLUMNS,
    TITLE_WEIGHT,
    UNCERTAIN_BELOW,
    WINDOW,
    WORDS_FLOOR,
    WORDS_WEIGHT,
    Version,
    best_cluster,
)
from .signature import BITS, BitsField, sql_literal

KEY_FIELDS = ("title_key", "url_key", "match_text", "title_bits", "word_bits")
# Up to this many new versions (most polls), PostgreSQL skips the stories sharing too few words with
# all of them (one test per version and story); a larger batch reads its communes' window.
FEW = 8


def _order(row: tuple) -> tuple:
    return row[0], row[1]


class Pool:
    """Placed versions: by commune (area-wide under 0), by exact key, and each cluster's span."""

    def __init__(self) -> None:
        self.by_place: dict[int, list[tuple[datetime, int, Version]]] = defaultdict(list)
        self.by_key: dict[str, list[tuple[datetime, int, Version]]] = defaultdict(list)
        self.spans: dict[int, tuple[datetime, datetime]] = {}
        self._temp = itertools.count(-1, -1)

    def add(self, version: Version) -> None:
        if version.cluster_id is None:
            version.cluster_id = self.new_cluster()
        for place in version.communes or (0,):
            bisect.insort(self.by_place[place], (version.published, version.pk, version))
        for key in (version.title_key, version.url_key):
            if key:
                bisect.insort(self.by_key[key], (version.published, version.pk, version))
        first, last = self.spans.get(version.cluster_id, (version.published, version.published))
        self.spans[version.cluster_id] = (min(first, version.published), max(last, version.published))

    def extend(self, versions: Iterable[Version], keys: set[str]) -> None:
        """``add`` for many: the lists are sorted once at the end, not kept sorted at each version.
        Only ``keys`` are indexed: those of the versions still to place, the only ones looked up."""
        touched: set[int] = set()
        for version in versions:
            if version.cluster_id is None:
                version.cluster_id = self.new_cluster()
            row = (version.published, version.pk, version)
            for place in version.communes or (0,):
                self.by_place[place].append(row)
                touched.add(id(self.by_place[place]))
            for key in (version.title_key, version.url_key):
                if key and key in keys:
                    self.by_key[key].append(row)
                    touched.add(id(self.by_key[key]))
            first, last = self.spans.get(version.cluster_id, (version.published, version.published))
            self.spans[version.cluster_id] = (min(first, version.published), max(last, version.published))
        for rows in (*self.by_place.values(), *self.by_key.values()):
            if id(rows) in touched:
                rows.sort(key=_order)

    def new_cluster(self) -> int:
        """A temporary (negative) cluster id, replaced by a real one in ``write``."""
        return next(self._temp)

    def candidates(self, version: Version) -> list[Version]:
        """Placed versions of the same communes (or area-wide) within the window, or of the same key;
        a version may come twice (scores are kept per cluster, so it costs nothing more)."""
        low, high = (version.published - WINDOW, -1), (version.published + WINDOW, 1 << 62)
        found: list[Version] = []
        lists = [self.by_place.get(place, ()) for place in version.communes or (0,)]
        lists += [self.by_key[key] for key in (version.title_key, version.url_key) if key and key in self.by_key]
        for rows in lists:
            found += [row[2] for row in rows[bisect.bisect_left(rows, low) : bisect.bisect_right(rows, high)]]
        return [other for other in found if other.pk != version.pk]


def place(pending: list[Version], pool: Pool, *, closed=frozenset(), former=None) -> dict[int, float | None]:
    """Give each pending version a cluster (joined or new), oldest first; returns pk -> match score.

    ``closed``: clusters an editor made (pinned versions), which a version joins only if it was
    already there (``former``: pk -> cluster id), so reclustering never undoes a split.
    """
    scores: dict[int, float | None] = {}
    for version in sorted(pending, key=lambda v: (v.published, v.pk)):
        candidates = pool.candidates(version)
        if closed:
            mine = (former or {}).get(version.pk)
            candidates = [c for c in candidates if c.cluster_id not in closed or c.cluster_id == mine]
        found = best_cluster(version, candidates, pool.spans)
        if found:
            version.cluster_id, scores[version.pk] = found
        else:
            version.cluster_id, scores[version.pk] = pool.new_cluster(), None
        pool.add(version)
    return scores


def versions(rows: Iterable[tuple], communes: dict[int, set[int]]) -> list[Version]:
    return [Version.of(row, frozenset(communes.get(row[0], ()))) for row in rows]


def own_communes(article_ids: list[int]) -> dict[int, set[int]]:
    """The articles' communes, without those an event lent them (rule ``EVENT_RULE``)."""
    result: dict[int, set[int]] = defaultdict(set)
    rows = ArticleCommune.objects.filter(article_id__in=article_ids).values_list("article_id", "commune_id", "rule")
    for article_id, commune_id, rule in rows:
        if rule != state.EVENT_RULE:
            result[article_id].add(commune_id)
    return result


def prepare(articles: list[Article]) -> None:
    """Before new articles are inserted: their keys and, on PostgreSQL, their ids and a cluster of
    one each (led by it), so each row goes in once with its keys and cluster.

    ``assign_new`` then knows these articles are fresh: it writes again only those that join an
    event, and deletes the clusters they leave. The ids come from the articles' sequence; the
    clusters' link to their lead is checked at commit, once the articles are in.
    """
    for article in articles:
        normalise.keys(article)
        article._cluster_prepared = True
    connection = transaction.get_connection()
    if not articles or connection.vendor != "postgresql" or any(a.pk for a in articles):
        return
    with connection.cursor() as cursor:
        now = timezone.now()
        cursor.execute(_PG_PREPARE, [Article._meta.db_table, now, now, [a.published for a in articles]])
        made = sorted(cursor.fetchall(), key=lambda row: row[1])  # ids are drawn in the articles' order
    for article, (cluster_id, pk) in zip(articles, made, strict=True):
        article.pk, article.cluster_id, article.is_lead = pk, cluster_id, True


# One statement: an id from the articles' sequence per new article, drawn in their order, and a
# cluster of one led by it, whose link to its lead is checked at commit (the articles are in by then).
_PG_PREPARE = """
INSERT INTO articles_cluster (lead_id, lead_chosen, first_published, last_published, size, uncertain, created, updated)
SELECT nextval(pg_get_serial_sequence(%s, 'id')), false, v.published, v.published, 1, false, %s, %s
FROM (SELECT * FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS u(published, n) ORDER BY n) AS v
RETURNING id, lead_id
"""


def assign_new(articles: list[Article]) -> None:
    """Put newly stored articles (tags written) into clusters: an existing event's, or their own.

    Runs in the caller's transaction (the poll's). Reads only candidates, in one indexed query on
    PostgreSQL (with the new articles' own communes): versions of the same communes (or area-wide)
    within the window sharing enough words to match, and the same keys.
    """
    articles = [a for a in articles if a.pk]
    if not articles:
        return
    fresh = all(getattr(a, "_cluster_prepared", False) for a in articles)
    if not fresh:
        for article in articles:
            normalise.keys(article)
    ids = [a.pk for a in articles]
    new = [
        Version(a.pk, a.source_id, a.published, None, a.title_key, a.url_key, _features(a), frozenset())
        for a in articles
    ]
    pool = _load_pool(new, ids)
    scores = place(new, pool)
    instances = {a.pk: a for a in articles}
    if fresh:
        premade = {a.pk: a.cluster_id for a in articles if a.cluster_id is not None}
        write(new, scores, pool, instances=instances, former={}, premade=premade)
    else:
        write(new, scores, pool, fields=KEY_FIELDS, instances=instances)


def changed_upstream(articles: list[Article]) -> None:
    """Articles whose source changed them (and that were reclassified): new keys, and their events'
    tags synced again, since reclassification rewrote the automatic tags. They stay where they are."""
    articles = [a for a in articles if a.pk]
    if not articles:
        return
    for article in articles:
        normalise.keys(article)
    _update_articles([(a.pk, {name: getattr(a, name) for name in KEY_FIELDS}) for a in articles])
    state.sync_for_articles([a.pk for a in articles])


def _features(article: Article):
    return normalise.parsed(article.match_text)


def _load_pool(new: list[Version], exclude: list[int]) -> Pool:
    """The stored versions ``new`` may join, with their clusters' spans: versions of the same
    communes (or both area-wide) and of the same keys, within the window of the batch. Gives the
    new versions their communes (their own tags) on the way."""
    low = min(v.published for v in new) - WINDOW
    high = max(v.published for v in new) + WINDOW
    wanted = {v.title_key for v in new if v.title_key} | {v.url_key for v in new if v.url_key}
    postgresql = transaction.get_connection().vendor == "postgresql"
    if postgresql and len(new) <= FEW and all(v.title_key for v in new):  # a title-less one compares its lead
        found, mine = _few_candidates_pg(new, low, high, exclude, wanted)
        rows, communes = _meeting(found, *_give_communes(new, mine), wanted)
    else:
        places, area_wide = _give_communes(new, own_communes(exclude))
        find = _candidates_pg if postgresql else _candidates
        rows, communes = find(low, high, exclude, places, area_wide, wanted)
    pool = Pool()
    pool.spans = _StoredSpans({row[3] for row in rows if row[3] is not None})
    stored = [
        Version(pk, source_id, published, cluster_id, title, url, normalise.parsed(text), communes[pk], pinned)
        for pk, source_id, published, cluster_id, title, url, text, pinned in _with_keys(rows)
    ]
    pool.extend(stored, wanted)
    return pool


def _give_communes(new: list[Version], communes: dict[int, Iterable[int]]) -> tuple[set[int], bool]:
    """Set the new versions' communes; returns them all, and whether one of the versions is area-wide."""
    for version in new:
        version.communes = frozenset(communes.get(version.pk, ()))
    return {c for v in new for c in v.communes}, any(not v.communes for v in new)


def _meeting(found: list[tuple], places: set[int], area_wide: bool, wanted: set[str]) -> tuple[list, dict]:
    """Of the stories read (own communes last), those of ``places`` (or area-wide, for an area-wide
    version) or with a wanted key: their rows, and their communes (pk -> frozenset)."""
    rows, communes = [], {}
    for row in found:
        own = row[-1]
        if not places.isdisjoint(own) or (area_wide and not own) or row[4] in wanted or row[5] in wanted:
            rows.append(row[:-1])
            communes[row[0]] = frozenset(own)
    return rows, communes


# The window's stories (by the date index) that have a wanted key or may share enough words with a
# new article (``_PG_BOUND``, on the stored masks), with their own communes (read for these rows
# only, by the tags' article index); and the new articles' own communes, their other columns null.
_PG_FEW_CANDIDATES = """
SELECT a.id, a.source_id, a.published, a.cluster_id, a.title_key, a.url_key, a.match_text, a.cluster_pinned,
    ARRAY(SELECT c.commune_id FROM articles_articlecommune c WHERE c.article_id = a.id AND c.rule <> %(event)s)
FROM articles_article a
WHERE a.published >= %(low)s AND a.published <= %(high)s AND a.id <> ALL(%(new)s::bigint[])
AND (
    a.title_key = ANY(%(keys)s::text[]) OR a.url_key = ANY(%(keys)s::text[])
    OR a.title_bits IS NULL OR a.word_bits IS NULL OR a.title_key = '' OR {bounds}
)
UNION ALL
SELECT n.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    ARRAY(SELECT c.commune_id FROM articles_articlecommune c WHERE c.article_id = n.id AND c.rule <> %(event)s)
FROM unnest(%(new)s::bigint[]) AS n(id)
"""
# ``best_cluster``'s bound for new version n, with the stored story's bit counts for its set sizes
# (never larger): it never skips a story that ``best_cluster`` would compare (floats, so a hair
# below the floor). The same bound is then applied in Python, with the set sizes.
_PG_BOUND = (
    f"(%(title_weight)s::float8 * (bit_count(a.title_bits & %(title_mask_{{n}})s::bit({BITS})) + %(title_lost_{{n}})s)"
    " / greatest(%(titles_{n})s + bit_count(a.title_bits), 1)"
    f" + %(words_weight)s::float8 * (bit_count(a.word_bits & %(word_mask_{{n}})s::bit({BITS})) + %(word_lost_{{n}})s)"
    " / greatest(%(words_{n})s + bit_count(a.word_bits), 1) >= %(floor)s::float8)"
)


def _few_candidates_pg(new: list[Version], low, high, exclude, wanted: set[str]) -> tuple[list, dict]:
    """One statement: the stories read (their rows, own communes last) and the new articles' own
    communes (pk -> commune ids). Written in SQL: building it with the ORM cost more than running it."""
    params = {"event": state.EVENT_RULE, "new": list(exclude), "low": low, "high": high, "keys": sorted(wanted)}
    params.update(title_weight=2 * TITLE_WEIGHT, words_weight=2 * WORDS_WEIGHT, floor=WORDS_FLOOR - 1e-9)
    for n, version in enumerate(new):
        title_bits, word_bits, title_lost, word_lost, titles, words = version.features.signature
        params.update(
            {
                f"title_mask_{n}": sql_literal(title_bits),
                f"title_lost_{n}": title_lost,
                f"titles_{n}": titles,
                f"word_mask_{n}": sql_literal(word_bits),
                f"word_lost_{n}": word_lost,
                f"words_{n}": words,
            }
        )
    bounds = " OR ".join(_PG_BOUND.format(n=n) for n in range(len(new)))
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_PG_FEW_CANDIDATES.format(bounds=bounds), params)
        found = cursor.fetchall()
    ids = set(exclude)  # the new articles' rows: no stored story has their ids
    return [row for row in found if row[0] not in ids], {row[0]: row[-1] for row in found if row[0] in ids}


_PG_CANDIDATES = """
SELECT a.id, a.source_id, a.published, a.cluster_id, a.title_key, a.url_key, a.match_text, a.cluster_pinned, t.own
FROM articles_article a
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT c.commune_id FROM articles_articlecommune c WHERE c.article_id = a.id AND c.rule <> %(event)s)
    AS own
) t
WHERE a.published >= %(low)s AND a.published <= %(high)s AND NOT (a.id = ANY(%(exclude)s::bigint[]))
AND (t.own && %(places)s::bigint[] OR (%(area_wide)s AND cardinality(t.own) = 0)
     OR a.title_key = ANY(%(keys)s::text[]) OR a.url_key = ANY(%(keys)s::text[]))
"""


def _candidates_pg(low, high, exclude, places: set[int], area_wide: bool, wanted: set[str]):
    """One statement: the window's rows (by the date index) whose own communes, read per row by the
    tags' article index, meet ``places`` (or are none, for area-wide), or whose keys are wanted.
    Written in SQL: building it with the ORM cost more than running it."""
    params = {
        "event": state.EVENT_RULE,
        "low": low,
        "high": high,
        "exclude": list(exclude),
        "places": sorted(places),
        "area_wide": area_wide,
        "keys": sorted(wanted),
    }
    rows, communes = [], {}
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(_PG_CANDIDATES, params)
        for row in cursor.fetchall():
            rows.append(row[:-1])
            communes[row[0]] = frozenset(row[-1])
    return rows, communes


def _candidates(low, high, exclude, places: set[int], area_wide: bool, wanted: set[str]):
    """The same in three indexed queries: the window's ids and keys, their communes, then the rows."""
    window = Article.objects.filter(published__gte=low, published__lte=high).exclude(pk__in=exclude).order_by()
    keys = {pk: (title, url) for pk, title, url in window.values_list("pk", "title_key", "url_key")}
    own: dict[int, set[int]] = defaultdict(set)
    tags = ArticleCommune.objects.filter(article_id__in=list(keys)).values_list("article_id", "commune_id", "rule")
    for article_id, commune_id, rule in tags:
        if rule != state.EVENT_RULE:
            own[article_id].add(commune_id)
    ids = [
        pk
        for pk, (title, url) in keys.items()
        if (own[pk] & places) or (area_wide and not own[pk]) or title in wanted or url in wanted
    ]
    rows = list(Article.objects.filter(pk__in=ids).values_list(*COLUMNS)) if ids else []
    return rows, {pk: frozenset(own[pk]) for pk in ids}


class _StoredSpans(dict):
    """Clusters' spans (id -> first, last published). Those of the stored candidates' clusters are
    read only for the clusters a version could join (``load``, called by ``best_cluster``): most
    candidates are never joined, and reading every span cost more than these few small queries."""

    def __init__(self, stored: set[int]) -> None:
        super().__init__()
        self.unknown = stored

    def load(self, cluster_ids) -> None:
        wanted = sorted(pk for pk in cluster_ids if pk in self.unknown)
        if not wanted:
            return
        self.unknown.difference_update(wanted)
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, first_published, last_published FROM articles_cluster WHERE id = ANY(%s::bigint[])",
                    [wanted],
                )
                spans = cursor.fetchall()
        else:
            spans = Cluster.objects.filter(pk__in=wanted).values_list("pk", "first_published", "last_published")
        for pk, first, last in spans:
            # Versions placed since widened the span they joined; the stored one covers the rest.
            placed = self.get(pk)
            self[pk] = (min(first, placed[0]), max(last, placed[1])) if placed else (first, last)


def _with_keys(rows: list[tuple]) -> list[tuple]:
    """Rows of articles stored before clustering get their keys, in memory only: writing other
    sources' rows would make concurrent polls wait on each other (``recluster`` stores them)."""
    missing = [row[0] for row in rows if not row[COLUMNS.index("match_text")]]
    if not missing:
        return rows
    keyed = {}
    fields = ("title_key", "url_key", "match_text")
    for article in Article.objects.filter(pk__in=missing).only("pk", "title", "summary", "url"):
        normalise.keys(article)
        keyed[article.pk] = {name: getattr(article, name) for name in fields}
    at = {name: COLUMNS.index(name) for name in fields}
    result = []
    for row in rows:
        if row[0] in keyed:
            row = list(row)
            for name, index in at.items():
                row[index] = keyed[row[0]][name]
            row = tuple(row)
        result.append(row)
    return result


def _rows_to_write(touched, real, leads, scores, premade, fields, instances) -> tuple[list, set[int]]:
    """(pk, values) to write for each touched version, with its real cluster; and the clusters of one
    that ``prepare`` made for versions that moved to another event (left empty)."""
    rows, moved = [], set()
    for version in touched.values():
        temp = version.cluster_id
        version.cluster_id = real.get(temp, temp)
        values = {
            "cluster_id": version.cluster_id,
            "match_score": scores.get(version.pk),
            "is_lead": version.pk in leads,
        }
        if version.pk in premade and version.cluster_id != premade[version.pk]:
            moved.add(premade[version.pk])  # its cluster of one is left empty (deleted by refresh)
        if instances and version.pk in instances:
            values.update({name: getattr(instances[version.pk], name) for name in fields})
            instances[version.pk].cluster_id, instances[version.pk].is_lead = version.cluster_id, version.pk in leads
        as_inserted = {"cluster_id": premade.get(version.pk), "match_score": None, "is_lead": True}
        if version.pk in premade and values == as_inserted:
            continue  # alone in the cluster it was inserted with: nothing to write
        rows.append((version.pk, values))
    return rows, moved


def write(
    placed: list[Version],
    scores: dict[int, float | None],
    pool: Pool,
    *,
    fields=(),
    instances=None,
    former: dict[int, int | None] | None = None,
    premade: dict[int, int] | None = None,
) -> None:
    """Store where ``placed`` versions went: new clusters, articles' cluster and score, lead, tags.

    Versions of the pool that had no cluster and were given one (articles stored before clustering)
    are saved too. ``fields``: more columns to save from ``instances`` (pk -> Article). ``former``:
    the versions' clusters before (pk -> id), read when not given; ``{}`` when none had one.
    ``premade``: placed versions inserted with a cluster of their own (pk -> id, ``prepare``): a new
    cluster founded by one of them is that one, and a version that stays alone is not written again.
    """
    premade = premade or {}
    # Versions stored before clustering get a cluster only if a placed version joined theirs.
    joined = {v.cluster_id for v in placed if v.cluster_id < 0}
    touched = {v.pk: v for v in _all_versions(pool) if v.cluster_id is not None and v.cluster_id in joined}
    touched.update((v.pk, v) for v in placed)
    if former is None:
        former = dict(Article.objects.filter(pk__in=list(touched)).values_list("pk", "cluster_id"))
    members: dict[int, list[Version]] = defaultdict(list)
    for version in touched.values():
        members[version.cluster_id].append(version)
    new_clusters = {t: m for t, m in members.items() if t < 0}
    reused, leads = {}, set()
    for temp, versions in new_clusters.items():
        founders = sorted((v for v in versions if v.pk in premade), key=lambda v: (v.published, v.pk))
        if founders:
            reused[temp] = premade[founders[0].pk]
            leads.add(min(versions, key=lambda v: (v.published, v.pk)).pk)
    real, created_leads = _create_clusters({t: m for t, m in new_clusters.items() if t not in reused})
    real.update(reused)
    leads |= created_leads
    rows, moved = _rows_to_write(touched, real, leads, scores, premade, fields, instances)
    foreign = sorted(pk for pk in touched if not (instances and pk in instances))
    if foreign:  # other polls' rows (stored before clustering, now joined): locked in id order
        list(Article.objects.filter(pk__in=foreign).order_by("pk").select_for_update().values_list("pk"))
    _update_articles(sorted(rows, key=lambda row: row[0]))
    # A new cluster of one is right as created; joined, left and new multi-version clusters are refreshed.
    refresh = {pk for pk in members if pk > 0} | {real[t] for t, m in new_clusters.items() if len(m) > 1}
    state.refresh(refresh | moved | (set(former.values()) - {None}))
    uncertain = {v.cluster_id for v in placed if (scores.get(v.pk) or 1.0) < UNCERTAIN_BELOW}
    if uncertain:  # after refresh, which locks the clusters in id order
        QuerySet.update(Cluster.objects.filter(pk__in=uncertain), uncertain=True)


def _all_versions(pool: Pool) -> Iterable[Version]:
    seen: set[int] = set()
    for rows in pool.by_place.values():
        for _, pk, version in rows:
            if pk not in seen:
                seen.add(pk)
                yield version


def _create_clusters(members: dict[int, list[Version]]) -> tuple[dict[int, int], set[int]]:
    """Real clusters for temporary ids, led by their earliest version: (temp id -> real id, lead ids)."""
    order = sorted(members)
    clusters = []
    for temp in order:
        versions = sorted(members[temp], key=lambda v: (v.published, v.pk))
        first, last = versions[0].published, versions[-1].published
        clusters.append(Cluster(lead_id=versions[0].pk, first_published=first, last_published=last, size=len(versions)))
    created = Cluster.objects.bulk_create(clusters, batch_size=2000)
    if created and created[0].pk is None:  # backends that return no ids
        by_lead = dict(Cluster.objects.filter(lead_id__in=[c.lead_id for c in created]).values_list("lead_id", "pk"))
        for cluster in created:
            cluster.pk = by_lead[cluster.lead_id]
    return {t: c.pk for t, c in zip(order, created, strict=True)}, {c.lead_id for c in created}


def _update_articles(rows: list[tuple[int, dict]]) -> None:
    """Save the given columns of many articles: one statement per chunk on PostgreSQL."""
    if not rows:
        return
    connection = transaction.get_connection()
    if any(name in values for _, values in rows for name in _MASKS):  # Python ints, written as bit strings
        rows = [(pk, {n: _mask_value(v) if n in _MASKS else v for n, v in values.items()}) for pk, values in rows]
    names = list(rows[0][1])
    if connection.vendor == "postgresql" and all(list(values) == names for _, values in rows):
        _update_pg(connection, names, rows)
        return
    # One prepared UPDATE per row: Django's bulk_update builds a CASE per column, 7 ms a row here.
    with connection.cursor() as cursor:
        for pk, values in rows:
            assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
            cursor.execute(f"UPDATE articles_article SET {assignments} WHERE id = %s", [*values.values(), pk])


_MASKS = frozenset(field.name for field in Article._meta.concrete_fields if isinstance(field, BitsField))


def _mask_value(value: int | None) -> str | None:
    return None if value is None else sql_literal(value)


_PG_TYPES = {
    "cluster_id": "bigint",
    "match_score": "double precision",
    "is_lead": "boolean",
    "title_bits": "bit(1024)",
    "word_bits": "bit(1024)",
}


def _update_pg(connection, names: list[str], rows: list[tuple[int, dict]]) -> None:
    columns = ", ".join(f"{n} = v.{n}" for n in names)
    casts = ", ".join(f"v.{n}::{_PG_TYPES.get(n, 'text')} AS {n}" for n in names)
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        values = ", ".join(["(%s" + ", %s" * len(names) + ")"] * len(chunk))
        params = [item for pk, row in chunk for item in (pk, *row.values())]
        params.append([pk for pk, _ in chunk])
        # ``a.id = ANY``: the primary key finds the rows whatever the planner's statistics say.
        sql = (
            f"UPDATE articles_article AS a SET {columns} FROM "
            f"(SELECT v.id::bigint AS id, {casts} FROM (VALUES {values}) AS v(id, {', '.join(names)})) AS v "
            "WHERE a.id = v.id AND a.id = ANY(%s::bigint[])"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
