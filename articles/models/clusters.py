"""Clusters: one event told by one or more outlets. Each article belongs to one cluster; a story told
by a single outlet is a cluster of one. Timelines show one card per cluster, led by ``lead``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Cluster(models.Model):
    lead = models.ForeignKey(
        "articles.Article",
        verbose_name="version principale",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="La version montrée en tête de la carte : la plus ancienne, sauf choix d’un éditeur.",
    )
    lead_chosen = models.BooleanField(
        "principale choisie", default=False, help_text="Un éditeur a choisi la version principale."
    )
    first_published = models.DateTimeField("première version", default=timezone.now)
    last_published = models.DateTimeField("dernière version", default=timezone.now)
    size = models.PositiveIntegerField("versions", default=1)
    uncertain = models.BooleanField(
        "rapprochement incertain", default=False, help_text="Un rapprochement proche du seuil : à vérifier."
    )
    created = models.DateTimeField("créé le", default=timezone.now)
    updated = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-first_published", "-id"]
        indexes = [
            models.Index(fields=["uncertain", "-first_published"], name="cluster_review_idx"),
        ]

    def __str__(self) -> str:
        return str(self.lead) if self.lead_id else f"événement {self.pk}"


class ClusterAction(models.Model):
    """An editor's merge, split or choice of lead, kept so the desk can see who did what."""

    class Kind(models.TextChoices):
        MERGE = "merge", "fusion"
        SPLIT = "split", "séparation"
        LEAD = "lead", "version principale"

    kind = models.CharField("action", max_length=10, choices=Kind.choices)
    cluster = models.ForeignKey(
        Cluster, verbose_name="événement", null=True, on_delete=models.SET_NULL, related_name="actions"
    )
    article = models.ForeignKey(
        "articles.Article", verbose_name="article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="éditeur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField("détail", max_length=500, blank=True)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "action sur un événement"
        verbose_name_plural = "actions sur les événements"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"
