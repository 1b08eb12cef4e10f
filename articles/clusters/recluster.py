"""Grouping stored articles again (``manage.py recluster``), editors' choices kept.

Pinned articles, chosen leads, and (for a window) the articles just before it keep their cluster;
every other article of the window is placed again, oldest first, as at ingest, except that it
joins a cluster holding pinned versions (an editor's) only if it was already there. Clusters
keep their ids where most of their versions stay together, so links to an event survive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, Cluster

from . import normalise, state
from .assign import KEY_FIELDS, Pool, _create_clusters, _update_articles, own_communes, place, versions
from .match import COLUMNS, UNCERTAIN_BELOW, WINDOW, Version

CHUNK = 5000


@dataclass
class Counts:
    articles: int = 0
    moved: int = 0
    clusters: int = 0  # of more than one version, after


def recluster(since_days: float | None = None) -> Counts:
    """Regroup the articles published in the last ``since_days`` days (all of them with None)."""
    start = timezone.now() - timedelta(days=since_days) if since_days is not None else None
    with transaction.atomic():
        fill_keys(start)
        rows = _rows(start)
        fixed_ids = _fixed_ids(rows, start)
        communes = own_communes_for([row[0] for row in rows])
        all_versions = versions(rows, communes)
        former = {v.pk: v.cluster_id for v in all_versions}
        pool, pending = Pool(), []
        for version in all_versions:
            if version.pk in fixed_ids:
                pool.add(version)
            else:
                version.cluster_id = None
                pending.append(version)
        closed = {v.cluster_id for v in all_versions if v.pinned}
        scores = place(pending, pool, closed=closed, former=former)
        changed = _save(all_versions, former, scores, fixed_ids)
        touched = {v.cluster_id for v in all_versions} | set(former.values())
        _refresh_in_chunks(touched - {None})
    size = Cluster.objects.filter(size__gt=1)
    if start is not None:
        size = size.filter(last_published__gte=start)
    return Counts(articles=len(pending), moved=changed, clusters=size.count())


def fill_keys(start, *, batch: int = 2000) -> int:
    """Compute the matching keys of articles that have none (stored before clustering)."""
    queryset = Article.objects.filter(match_text="")
    if start is not None:
        queryset = queryset.filter(published__gte=start - WINDOW)
    count, last = 0, 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk").only("pk", "title", "summary", "url")[:batch])
        if not chunk:
            return count
        for article in chunk:
            normalise.keys(article)
        _update_articles([(a.pk, {name: getattr(a, name) for name in KEY_FIELDS}) for a in chunk])
        count, last = count + len(chunk), chunk[-1].pk


def _rows(start) -> list[tuple]:
    queryset = Article.objects.all()
    if start is not None:
        queryset = queryset.filter(published__gte=start - WINDOW)
    return list(queryset.order_by("published", "pk").values_list(*COLUMNS).iterator(chunk_size=CHUNK))


def _fixed_ids(rows: list[tuple], start) -> set[int]:
    """Articles that keep their cluster: pinned, chosen leads, and those before the window."""
    fixed = {row[0] for row in rows if row[-1] or (start is not None and row[2] < start)}
    chosen = Cluster.objects.filter(lead_chosen=True, lead__isnull=False)
    if start is not None:
        chosen = chosen.filter(last_published__gte=start - WINDOW)
    return fixed | set(chosen.values_list("lead_id", flat=True))


def own_communes_for(ids: list[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = {}
    for offset in range(0, len(ids), CHUNK):
        result.update(own_communes(ids[offset : offset + CHUNK]))
    return result


def _save(all_versions: list[Version], former: dict, scores: dict, fixed_ids: set[int]) -> int:
    """Give temporary clusters real ids (reusing a former cluster where most versions come from),
    then save the articles whose cluster or score changed; returns how many moved."""
    groups: dict[int, list[Version]] = defaultdict(list)
    for version in all_versions:
        if version.cluster_id < 0:
            groups[version.cluster_id].append(version)
    claimed = {v.cluster_id for v in all_versions if v.cluster_id > 0}
    real: dict[int, int] = {}
    for temp, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        votes = Counter(former[v.pk] for v in members if former[v.pk] and former[v.pk] not in claimed)
        if votes:
            real[temp] = min(votes.items(), key=lambda item: (-item[1], item[0]))[0]
            claimed.add(real[temp])
    created, _ = _create_clusters({t: m for t, m in groups.items() if t not in real})
    real.update(created)
    rows, moved, uncertain = [], 0, set()
    for version in all_versions:
        version.cluster_id = real.get(version.cluster_id, version.cluster_id)
        moved += version.cluster_id != former[version.pk]
        if version.pk in fixed_ids:
            if version.cluster_id != former[version.pk]:  # stored before clustering: now has one
                rows.append((version.pk, {"cluster_id": version.cluster_id, "match_score": None}))
            continue
        score = scores.get(version.pk)
        rows.append((version.pk, {"cluster_id": version.cluster_id, "match_score": score}))
        if score is not None and score < UNCERTAIN_BELOW:
            uncertain.add(version.cluster_id)
    for offset in range(0, len(rows), CHUNK):
        _update_articles(rows[offset : offset + CHUNK])
    _flag_uncertain({v.cluster_id for v in all_versions if v.pk not in fixed_ids}, uncertain)
    return moved


def _flag_uncertain(touched: set[int], uncertain: set[int]) -> None:
    """Clusters with a version matched near the threshold go to the review queue; the others leave it."""
    ordered = sorted(touched)
    for offset in range(0, len(ordered), CHUNK):
        chunk = ordered[offset : offset + CHUNK]
        QuerySet.update(Cluster.objects.filter(pk__in=chunk, uncertain=True).exclude(pk__in=uncertain), uncertain=False)
    flagged = sorted(uncertain)
    for offset in range(0, len(flagged), CHUNK):
        QuerySet.update(Cluster.objects.filter(pk__in=flagged[offset : offset + CHUNK]), uncertain=True)


def _refresh_in_chunks(cluster_ids: set[int], size: int = 2000) -> None:
    ordered = sorted(cluster_ids)
    for offset in range(0, len(ordered), size):
        state.refresh(ordered[offset : offset + size])
