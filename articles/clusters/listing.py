"""The clusters as a list, for ``manage.py clusters`` (text or JSON)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Cluster


def clusters(since_days: float | None = None) -> list[dict]:
    """Clusters newest first: id, size, uncertain, and their versions (lead first, then by date)."""
    queryset = Cluster.objects.order_by("-first_published", "-id")
    if since_days is not None:
        queryset = queryset.filter(last_published__gte=timezone.now() - timedelta(days=since_days))
    found = list(queryset.values("id", "size", "uncertain", "lead_id"))
    versions: dict[int, list[dict]] = defaultdict(list)
    ids = [row["id"] for row in found]
    for offset in range(0, len(ids), 5000):
        rows = Article.objects.filter(cluster_id__in=ids[offset : offset + 5000]).order_by("published", "id")
        for row in rows.values("id", "cluster_id", "url", "title", "source__name", "published", "match_score"):
            versions[row["cluster_id"]].append(row)
    for row in found:
        members = versions.get(row["id"], [])
        members.sort(key=lambda member: member["id"] != row["lead_id"])
        row["articles"] = members
    return found
