"""Putting articles into clusters: at ingest (``assign_new``) and when reclustering (``recluster``).

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

from articles.models import Article, ArticleCommune, Cluster

from . import normalise, state
from .match import COLUMNS, UNCERTAIN_BELOW, WINDOW, Version, best_cluster

KEY_FIELDS = ("title_key", "url_key", "match_text")


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


def assign_new(articles: list[Article]) -> None:
    """Put newly stored articles (tags written) into clusters: an existing event's, or their own.

    Runs in the caller's transaction (the poll's). Reads only candidates: versions of the same
    communes (or area-wide) within the window, and the same exact keys.
    """
    articles = [a for a in articles if a.pk]
    if not articles:
        return
    for article in articles:
        normalise.keys(article)
    ids = [a.pk for a in articles]
    communes = own_communes(ids)
    new = [
        Version(a.pk, a.source_id, a.published, None, a.title_key, a.url_key, _features(a), frozenset(communes[a.pk]))
        for a in articles
    ]
    pool = _load_pool(new, ids)
    scores = place(new, pool)
    write(new, scores, pool, fields=KEY_FIELDS, instances={a.pk: a for a in articles})


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
    return normalise.Features.parse(article.match_text)


def _load_pool(new: list[Version], exclude: list[int]) -> Pool:
    """The stored versions ``new`` may join, in four small indexed queries: the window's ids and
    keys (by date), their communes (by article), the candidates' rows, their clusters' spans."""
    low = min(v.published for v in new) - WINDOW
    high = max(v.published for v in new) + WINDOW
    window = Article.objects.filter(published__gte=low, published__lte=high).order_by()
    keys = {pk: (title, url) for pk, title, url in window.values_list("pk", "title_key", "url_key")}
    for pk in exclude:
        keys.pop(pk, None)
    communes: dict[int, set[int]] = defaultdict(set)
    tags = ArticleCommune.objects.filter(article_id__in=list(keys)).values_list("article_id", "commune_id", "rule")
    for article_id, commune_id, rule in tags:
        if rule != state.EVENT_RULE:
            communes[article_id].add(commune_id)
    places = {c for v in new for c in v.communes}
    area_wide = any(not v.communes for v in new)
    wanted = {v.title_key for v in new if v.title_key} | {v.url_key for v in new if v.url_key}
    ids = [
        pk
        for pk, (title, url) in keys.items()
        if (communes[pk] & places) or (area_wide and not communes[pk]) or title in wanted or url in wanted
    ]
    pool = Pool()
    if not ids:
        return pool
    rows = _with_keys(list(Article.objects.filter(pk__in=ids).values_list(*COLUMNS)))
    stored = versions(rows, communes)
    cluster_ids = {v.cluster_id for v in stored if v.cluster_id}
    spans = Cluster.objects.filter(pk__in=cluster_ids).values_list("pk", "first_published", "last_published")
    for version in stored:
        pool.add(version)
    pool.spans.update({pk: (first, last) for pk, first, last in spans})
    return pool


def _with_keys(rows: list[tuple]) -> list[tuple]:
    """Rows of articles stored before clustering get their keys, in memory only: writing other
    sources' rows would make concurrent polls wait on each other (``recluster`` stores them)."""
    missing = [row[0] for row in rows if not row[COLUMNS.index("match_text")]]
    if not missing:
        return rows
    keyed = {}
    for article in Article.objects.filter(pk__in=missing).only("pk", "title", "summary", "url"):
        normalise.keys(article)
        keyed[article.pk] = {name: getattr(article, name) for name in KEY_FIELDS}
    at = {name: COLUMNS.index(name) for name in KEY_FIELDS}
    result = []
    for row in rows:
        if row[0] in keyed:
            row = list(row)
            for name, index in at.items():
                row[index] = keyed[row[0]][name]
            row = tuple(row)
        result.append(row)
    return result


def write(placed: list[Version], scores: dict[int, float | None], pool: Pool, *, fields=(), instances=None) -> None:
    """Store where ``placed`` versions went: new clusters, articles' cluster and score, lead, tags.

    Versions of the pool that had no cluster and were given one (articles stored before clustering)
    are saved too. ``fields``: more columns to save from ``instances`` (pk -> Article).
    """
    # Versions stored before clustering get a cluster only if a placed version joined theirs.
    joined = {v.cluster_id for v in placed if v.cluster_id < 0}
    touched = {v.pk: v for v in _all_versions(pool) if v.cluster_id is not None and v.cluster_id in joined}
    touched.update((v.pk, v) for v in placed)
    former = dict(Article.objects.filter(pk__in=list(touched)).values_list("pk", "cluster_id"))
    members: dict[int, list[Version]] = defaultdict(list)
    for version in touched.values():
        members[version.cluster_id].append(version)
    real, leads = _create_clusters({t: m for t, m in members.items() if t < 0})
    rows = []
    for version in touched.values():
        temp = version.cluster_id
        version.cluster_id = real.get(temp, temp)
        values = {
            "cluster_id": version.cluster_id,
            "match_score": scores.get(version.pk),
            "is_lead": version.pk in leads,
        }
        if instances and version.pk in instances:
            values.update({name: getattr(instances[version.pk], name) for name in fields})
            instances[version.pk].cluster_id, instances[version.pk].is_lead = version.cluster_id, version.pk in leads
        rows.append((version.pk, values))
    foreign = sorted(pk for pk in touched if not (instances and pk in instances))
    if foreign:  # other polls' rows (stored before clustering, now joined): locked in id order
        list(Article.objects.filter(pk__in=foreign).order_by("pk").select_for_update().values_list("pk"))
    _update_articles(sorted(rows, key=lambda row: row[0]))
    # A new cluster of one is right as created; joined, left and new multi-version clusters are refreshed.
    refresh = {pk for pk in members if pk > 0} | {real[t] for t, m in members.items() if t < 0 and len(m) > 1}
    state.refresh(refresh | (set(former.values()) - {None}))
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
    names = list(rows[0][1])
    if connection.vendor == "postgresql" and all(list(values) == names for _, values in rows):
        _update_pg(connection, names, rows)
        return
    # One prepared UPDATE per row: Django's bulk_update builds a CASE per column, 7 ms a row here.
    with connection.cursor() as cursor:
        for pk, values in rows:
            assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
            cursor.execute(f"UPDATE articles_article SET {assignments} WHERE id = %s", [*values.values(), pk])


_PG_TYPES = {"cluster_id": "bigint", "match_score": "double precision", "is_lead": "boolean"}


def _update_pg(connection, names: list[str], rows: list[tuple[int, dict]]) -> None:
    columns = ", ".join(f"{n} = v.{n}" for n in names)
    casts = ", ".join(f"v.{n}::{_PG_TYPES.get(n, 'text')} AS {n}" for n in names)
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        values = ", ".join(["(%s" + ", %s" * len(names) + ")"] * len(chunk))
        params = [item for pk, row in chunk for item in (pk, *row.values())]
        sql = (
            f"UPDATE articles_article AS a SET {columns} FROM "
            f"(SELECT v.id::bigint AS id, {casts} FROM (VALUES {values}) AS v(id, {', '.join(names)})) AS v "
            "WHERE a.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
