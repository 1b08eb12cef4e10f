from __future__ import annotations

from django.db import models
from django.utils import timezone


class Thumbnail(models.Model):
    """Our own copy of an article's picture, in two sizes, WebP and JPEG.

    Pages show only these files, never the original address: a reader's browser asks nothing of
    a third party. ``status`` says where the work stands; a refused picture is never fetched again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "en attente"
        READY = "ready", "prête"
        REFUSED = "refused", "refusée"
        FAILED = "failed", "abandonnée"

    article = models.OneToOneField(
        "articles.Article", verbose_name="article", on_delete=models.CASCADE, related_name="thumbnail"
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    source_url = models.URLField("image d’origine", max_length=2000, blank=True)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    error = models.TextField("dernière erreur", blank=True)
    # Storage names: "<size>.<format>" files under one folder named by the image's content hash.
    folder = models.CharField("dossier", max_length=200, blank=True)
    width = models.PositiveSmallIntegerField("largeur (grande taille)", default=0)
    height = models.PositiveSmallIntegerField("hauteur (grande taille)", default=0)
    created = models.DateTimeField("créée le", default=timezone.now)
    updated = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "vignette"
        verbose_name_plural = "vignettes"
        indexes = [
            # Used by `manage.py thumbnails --pending`: the work left to do, oldest first.
            models.Index(fields=["status", "created"], name="thumbnail_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Vignette de l’article {self.article_id} ({self.get_status_display()})"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY

    def url(self, size: str, kind: str) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(f"{self.folder}/{size}.{kind}")
