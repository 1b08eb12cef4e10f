from __future__ import annotations

from django.db import models
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def visible(self) -> ArticleQuerySet:
        return self.exclude(status=Article.Status.HIDDEN)

    def in_commune(self, commune) -> ArticleQuerySet:
        return self.filter(communes=commune)

    def in_section(self, section) -> ArticleQuerySet:
        return self.filter(sections=section)


class Article(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "visible"
        HIDDEN = "hidden", "masqué"
        FEATURED = "featured", "à la une"

    source = models.ForeignKey(
        "articles.Source", verbose_name="source", on_delete=models.CASCADE, related_name="articles"
    )
    guid = models.CharField(
        "identifiant",
        max_length=255,
        help_text="Identité de l’entrée dans sa source : guid du flux, sinon lien normalisé, sinon empreinte.",
    )
    url = models.URLField("lien", max_length=2000)
    title = models.CharField("titre", max_length=500)
    summary = models.TextField("résumé", blank=True, help_text="HTML nettoyé.")
    image = models.URLField("image", max_length=2000, blank=True)
    categories = models.JSONField("catégories du flux", default=list, blank=True)
    published = models.DateTimeField("publié le", default=timezone.now)
    raw_date = models.CharField("date brute", max_length=200, blank=True)
    fetched = models.DateTimeField("relevé le", default=timezone.now)
    updated = models.DateTimeField("modifié le", auto_now=True)

    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.VISIBLE)
    locked = models.BooleanField(
        "verrouillé", default=False, help_text="Les mises à jour de la source ne modifient plus cet article."
    )
    confidence = models.FloatField("confiance", default=0.0)
    needs_review = models.BooleanField("à vérifier", default=False)

    communes = models.ManyToManyField(
        "localities.Commune",
        verbose_name="communes",
        through="articles.ArticleCommune",
        related_name="articles",
        blank=True,
    )
    sections = models.ManyToManyField(
        "articles.Section",
        verbose_name="rubriques",
        through="articles.ArticleSection",
        related_name="articles",
        blank=True,
    )
    # Tags an editor removed: automatic classification never puts them back.
    excluded_communes = models.ManyToManyField(
        "localities.Commune", verbose_name="communes écartées", related_name="+", blank=True
    )
    excluded_sections = models.ManyToManyField(
        "articles.Section", verbose_name="rubriques écartées", related_name="+", blank=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="article_unique_source_guid"),
        ]
        indexes = [
            # Used by every timeline: newest first, with id as the keyset tie-breaker.
            models.Index(fields=["-published", "-id"], name="article_published_idx"),
            # Used by the editors' review queue.
            models.Index(fields=["needs_review", "published"], name="article_review_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/articles/{self.pk}/"
