"""What editors do to events: merge two, split a version out, choose the lead version.

Each action is logged (ClusterAction) and sticks: moved articles are pinned (``cluster_pinned``),
so re-polls and reclustering never move them again, and a chosen lead stays (``lead_chosen``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Min, QuerySet

from articles.models import Article, Cluster, ClusterAction

from . import state


@transaction.atomic
def merge(target: Cluster, other: Cluster, editor) -> Cluster:
    """Move ``other``'s versions into ``target`` and pin them; ``other`` is deleted.

    Raises ValueError (message for the editor) for a cluster with itself, or when the versions
    would span more than seven days.
    """
    if target.pk == other.pk:
        raise ValueError("Impossible de fusionner un événement avec lui-même.")
    locked = {c.pk: c for c in Cluster.objects.select_for_update().filter(pk__in=[target.pk, other.pk]).order_by("pk")}
    target, other = locked[target.pk], locked[other.pk]
    span = Article.objects.filter(cluster_id__in=[target.pk, other.pk]).aggregate(
        first=Min("published"), last=Max("published")
    )
    if span["first"] and span["last"] - span["first"] > state.MAX_SPAN:
        raise ValueError(
            "Fusion refusée : les versions s’étaleraient sur plus de 7 jours, ce ne peut pas être le même événement."
        )
    QuerySet.update(
        Article.objects.filter(cluster_id__in=[target.pk, other.pk]), cluster_id=target.pk, cluster_pinned=True
    )
    if other.lead_chosen and not target.lead_chosen:
        target.lead_id, target.lead_chosen = other.lead_id, True
    target.uncertain = False
    target.save(update_fields=["lead", "lead_chosen", "uncertain", "updated"])
    ClusterAction.objects.filter(cluster_id=other.pk).update(cluster_id=target.pk)
    detail = f"événement {other.pk} fusionné dans {target.pk} : {other}"
    other.delete()
    state.refresh([target.pk])
    _log(ClusterAction.Kind.MERGE, target, None, editor, detail)
    target.refresh_from_db()
    return target


@transaction.atomic
def split(article: Article, editor) -> Cluster:
    """Take ``article`` out of its cluster into a new cluster of one, pinned there."""
    former = article.cluster_id
    state.new_clusters([article])
    article.cluster_pinned, article.match_score = True, None
    QuerySet.update(
        Article.objects.filter(pk=article.pk),
        cluster_id=article.cluster_id,
        is_lead=True,
        cluster_pinned=True,
        match_score=None,
    )
    if former:
        QuerySet.update(Cluster.objects.filter(pk=former), uncertain=False)
    state.refresh([former, article.cluster_id])
    cluster = Cluster.objects.get(pk=article.cluster_id)
    detail = f"sorti de l’événement {former}" if former else "mis à part"
    _log(ClusterAction.Kind.SPLIT, cluster, article, editor, detail)
    if former and Cluster.objects.filter(pk=former).exists():
        _log(
            ClusterAction.Kind.SPLIT,
            Cluster(pk=former),
            article,
            editor,
            f"version sortie vers l’événement {cluster.pk}",
        )
    return cluster


@transaction.atomic
def choose_lead(article: Article, editor) -> None:
    """Make ``article`` the lead version of its cluster, for good (``lead_chosen``).

    Raises ValueError (message for the editor) for a hidden article: it would hide the event.
    """
    if article.status == Article.Status.HIDDEN:
        raise ValueError("Une version masquée ne peut pas être la version principale : affichez-la d’abord.")
    cluster = state.ensure_cluster(article)
    cluster.lead_id, cluster.lead_chosen = article.pk, True
    cluster.save(update_fields=["lead", "lead_chosen", "updated"])
    state.refresh([cluster.pk])
    _log(ClusterAction.Kind.LEAD, cluster, article, editor, f"version principale : {article.source}")


def _log(kind: str, cluster: Cluster, article: Article | None, editor, detail: str) -> None:
    ClusterAction.objects.create(kind=kind, cluster=cluster, article=article, editor=editor, detail=detail[:500])
