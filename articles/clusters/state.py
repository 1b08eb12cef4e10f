"""Keeping clusters right after any change: lead, dates, size, ``is_lead``, and the lead's tags.

The tags of an event are the union of its versions' tags, minus the lead's exclusions. They are
materialised on the lead (``sync``) as automatic rows with the rule ``EVENT_RULE``, so a timeline
stays one query over leads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles import bulk
from articles.models import Article, ArticleCommune, ArticleSection, Cluster, ClusterAction
from articles.models.tags import Origin

EVENT_RULE = "événement"
MAX_SPAN = timedelta(days=7)  # a cluster never spans more than this, even when merges chain


def changed(*, clusters=(), everything: bool = False) -> None:
    """Cached pages showing these clusters' stories go out of date once the transaction commits."""
    try:
        from articles import cache as page_cache
    except ImportError:  # before the page cache module: the whole cache
        from articles import timelines

        transaction.on_commit(timelines.bump_version, robust=True)
        return
    page_cache.changed(clusters=list(clusters), everything=everything)


def new_clusters(articles: list[Article]) -> None:
    """Give each article a cluster of one, led by itself (``articles`` are saved, without cluster)."""
    clusters = Cluster.objects.bulk_create(
        [Cluster(lead_id=a.pk, first_published=a.published, last_published=a.published) for a in articles]
    )
    if clusters and clusters[0].pk is None:  # backends that return no ids
        by_lead = dict(Cluster.objects.filter(lead_id__in=[a.pk for a in articles]).values_list("lead_id", "pk"))
        for cluster in clusters:
            cluster.pk = by_lead[cluster.lead_id]
    for article, cluster in zip(articles, clusters, strict=True):
        article.cluster_id, article.is_lead = cluster.pk, True


def ensure_cluster(article: Article) -> Cluster:
    """The article's cluster, made (a cluster of one) if it has none yet."""
    if article.cluster_id is None:
        new_clusters([article])
        QuerySet.update(Article.objects.filter(pk=article.pk), cluster_id=article.cluster_id, is_lead=True)
    return Cluster.objects.get(pk=article.cluster_id)


@dataclass
class _Member:
    pk: int
    published: object
    is_lead: bool
    hidden: bool

    def order(self) -> tuple:
        """Leads are picked in this order: visible first, then the earliest."""
        return (self.hidden, self.published, self.pk)


def refresh(cluster_ids: Iterable[int], *, tags: bool = True) -> None:
    """Recompute lead, dates, size and ``is_lead`` of these clusters; delete empty ones; sync tags.

    The lead is the earliest visible version, unless an editor chose one still in the cluster and
    visible (a hidden lead would hide the whole event). Clusters are locked in id order first, so
    concurrent polls joining the same events wait for each other without deadlocking.
    """
    ids = set(cluster_ids) - {None}
    if not ids:
        return
    # The row locks below hold until this commits; inside a caller's transaction no savepoint is
    # needed for that (nor taken: two round trips per poll).
    with transaction.atomic(savepoint=False):
        _refresh(ids, tags=tags)


def _refresh(ids: set[int], *, tags: bool) -> None:
    members: dict[int, list[_Member]] = defaultdict(list)
    clusters = list(Cluster.objects.filter(pk__in=ids).order_by("pk").select_for_update())
    rows = Article.objects.filter(cluster_id__in=ids).values_list("cluster_id", "pk", "published", "is_lead", "status")
    for cluster_id, pk, published, is_lead, status in rows:
        members[cluster_id].append(_Member(pk, published, is_lead, status == Article.Status.HIDDEN))
    empty = ids - members.keys()
    if empty:  # no article points to them any more: only the editors' log, kept without its event
        QuerySet.update(ClusterAction.objects.filter(cluster_id__in=empty), cluster=None)
        Cluster.objects.filter(pk__in=empty)._raw_delete(Cluster.objects.db)
    clusters = [cluster for cluster in clusters if cluster.pk in members]
    to_lead, to_follow, to_save = [], [], []
    for cluster in clusters:
        versions = sorted(members[cluster.pk], key=lambda m: (m.published, m.pk))
        before = (cluster.lead_id, cluster.lead_chosen, cluster.first_published, cluster.last_published, cluster.size)
        chosen = next((m for m in versions if m.pk == cluster.lead_id), None) if cluster.lead_chosen else None
        if chosen is None or chosen.hidden:
            cluster.lead_id, cluster.lead_chosen = min(versions, key=_Member.order).pk, False
        cluster.first_published, cluster.last_published = versions[0].published, versions[-1].published
        cluster.size = len(versions)
        if before != (
            cluster.lead_id,
            cluster.lead_chosen,
            cluster.first_published,
            cluster.last_published,
            cluster.size,
        ):
            cluster.updated = timezone.now()
            to_save.append(cluster)
        for member in versions:
            if member.is_lead != (member.pk == cluster.lead_id):
                (to_lead if member.pk == cluster.lead_id else to_follow).append(member.pk)
    if to_save:
        _save_clusters(to_save)
    # The plain QuerySet.update: ArticleQuerySet's would bump the timelines once per call.
    if to_lead:
        QuerySet.update(Article.objects.filter(pk__in=to_lead), is_lead=True)
    if to_follow:
        QuerySet.update(Article.objects.filter(pk__in=to_follow), is_lead=False)
    if tags:
        sync_many({c.pk: c.lead_id for c in clusters}, {c.pk: [m.pk for m in members[c.pk]] for c in clusters})
    changed(clusters=[c.pk for c in clusters], everything=len(clusters) > 500)


_CLUSTER_FIELDS = {
    "lead_id": "bigint",
    "lead_chosen": "boolean",
    "first_published": "timestamptz",
    "last_published": "timestamptz",
    "size": "integer",
    "updated": "timestamptz",
}


def _save_clusters(clusters: list[Cluster]) -> None:
    """Save the fields ``_refresh`` sets: one statement per chunk on PostgreSQL, one prepared UPDATE
    per cluster elsewhere (Django's ``bulk_update`` builds a CASE per column, costlier than both)."""
    connection = transaction.get_connection()
    names = list(_CLUSTER_FIELDS)
    quote = connection.ops.quote_name
    adapt = {
        name: connection.ops.adapt_datetimefield_value if kind == "timestamptz" else (lambda value: value)
        for name, kind in _CLUSTER_FIELDS.items()
    }
    rows = [
        [cluster.pk, *(adapt[name](getattr(cluster, name)) for name in names)]
        for cluster in sorted(clusters, key=lambda c: c.pk)
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(name)} = %s" for name in names)
            sql = f"UPDATE articles_cluster SET {assignments} WHERE id = %s"
            cursor.executemany(sql, [[*row[1:], row[0]] for row in rows])
            return
        columns = ", ".join(f"{name} = v.{name}" for name in names)
        casts = ", ".join(f"v.{name}::{kind} AS {name}" for name, kind in _CLUSTER_FIELDS.items())
        for start in range(0, len(rows), 2000):
            chunk = rows[start : start + 2000]
            values = ", ".join(["(%s" + ", %s" * len(names) + ")"] * len(chunk))
            # ``c.id = ANY``: the primary key finds the rows whatever the planner's statistics say.
            cursor.execute(
                f"UPDATE articles_cluster AS c SET {columns} FROM (SELECT v.id::bigint AS id, {casts} FROM "
                f"(VALUES {values}) AS v(id, {', '.join(names)})) AS v WHERE c.id = v.id AND c.id = ANY(%s::bigint[])",
                [*(item for row in chunk for item in row), [row[0] for row in chunk]],
            )


def sync(cluster: Cluster) -> None:
    """Give the lead the other versions' communes and sections (rule ``EVENT_RULE``), drop stale ones."""
    members = list(Article.objects.filter(cluster_id=cluster.pk).values_list("pk", flat=True))
    sync_many({cluster.pk: cluster.lead_id}, {cluster.pk: members})
    changed(clusters=[cluster.pk])


def sync_clusters(queryset) -> int:
    """``sync`` every cluster of more than one version in ``queryset`` (after reclassification)."""
    count = 0
    ids = list(queryset.filter(size__gt=1).values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        leads = dict(Cluster.objects.filter(pk__in=chunk).values_list("pk", "lead_id"))
        members: dict[int, list[int]] = defaultdict(list)
        for cluster_id, pk in Article.objects.filter(cluster_id__in=chunk).values_list("cluster_id", "pk"):
            members[cluster_id].append(pk)
        sync_many(leads, members)
        count += len(chunk)
    if count:
        changed(clusters=ids, everything=count > 500)
    return count


def sync_for_articles(article_ids: list[int]) -> int:
    """``sync`` the clusters of more than one version these articles belong to (after reclassification)."""
    return sync_clusters(Cluster.objects.filter(pk__in=Article.objects.filter(pk__in=article_ids).values("cluster_id")))


def sync_many(leads: dict[int, int], members: dict[int, list[int]]) -> None:
    """``sync`` for many clusters: cluster id -> lead id, cluster id -> member ids."""
    article_ids = [pk for pks in members.values() for pk in pks]
    if not article_ids:
        return
    for model, key, excluded in (
        (ArticleCommune, "commune_id", Article.excluded_communes.through),
        (ArticleSection, "section_id", Article.excluded_sections.through),
    ):
        _sync_table(model, key, excluded, leads, members, article_ids)


def _sync_table(model, key: str, excluded_model, leads, members, article_ids: list[int]) -> None:
    lead_ids = [pk for pk in leads.values() if pk]
    excluded: dict[int, set[int]] = defaultdict(set)
    for article_id, target in excluded_model.objects.filter(article_id__in=lead_ids).values_list("article_id", key):
        excluded[article_id].add(target)
    tags: dict[int, list[tuple]] = defaultdict(list)  # article id -> (row id, target, is event row)
    for pk, article_id, target, origin, rule in model.objects.filter(article_id__in=article_ids).values_list(
        "pk", "article_id", key, "origin", "rule"
    ):
        tags[article_id].append((pk, target, origin == Origin.AUTO and rule == EVENT_RULE))
    to_delete, to_create, now = [], [], timezone.now()
    for cluster_id, lead_id in leads.items():
        own, events, wanted = set(), {}, set()
        for article_id in members.get(cluster_id, ()):
            for pk, target, is_event in tags.get(article_id, ()):
                if article_id != lead_id:
                    if is_event:
                        to_delete.append(pk)  # a former lead's event tags
                    else:
                        wanted.add(target)
                elif is_event:
                    events[target] = pk
                else:
                    own.add(target)
        wanted -= own | excluded.get(lead_id, set())
        to_delete += [pk for target, pk in events.items() if target not in wanted]
        to_create += [
            (lead_id, target, Origin.AUTO.value, 0.0, EVENT_RULE, "", "", now) for target in wanted - events.keys()
        ]
    if to_delete:
        model.objects.filter(pk__in=to_delete).delete()
    if to_create:
        bulk.insert_rows(model, ("article_id", key, "origin", "score", "rule", "field", "phrase", "created"), to_create)
