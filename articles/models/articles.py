from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles import cache as page_cache
from articles.clusters.signature import BitsField


def _timelines_changed(articles) -> None:
    """Cached pages that show these stories (ids or instances) go out of date once the write commits."""
    page_cache.changed(articles=articles)


# What a card loads with its story; the cluster joined here lets ``other_versions`` skip its first level.
CARD_RELATIONS = ("source", "thumbnail", "cluster")
# Columns no page shows: the full-text index and the grouping's keys (large, and read by their own code only).
MATCHING_COLUMNS = ("search_vector", "title_key", "url_key", "match_text", "title_bits", "word_bits")


def other_versions() -> models.Prefetch:
    """The other visible versions of each card's event, oldest first, with their sources:
    ``article.cluster.others``."""
    versions = (
        Article.objects.visible()
        .filter(is_lead=False)
        .select_related("source")
        .defer(*MATCHING_COLUMNS)
        .order_by("published", "id")
    )
    return models.Prefetch("cluster__articles", queryset=versions, to_attr="others")


class ArticleQuerySet(models.QuerySet):
    def visible(self) -> ArticleQuerySet:
        return self.exclude(status=Article.Status.HIDDEN)

    def featured(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.FEATURED)

    def in_commune(self, commune) -> ArticleQuerySet:
        return self.filter(communes=commune)

    def in_section(self, section) -> ArticleQuerySet:
        return self.filter(sections=section)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published", "-id")

    def before(self, published: datetime, pk: int) -> ArticleQuerySet:
        """Stories older than (published, pk) in timeline order: the keyset of "Articles plus anciens"."""
        # published <= … alone lets PostgreSQL walk article_published_idx from the cursor down.
        return self.filter(published__lte=published).filter(models.Q(published__lt=published) | models.Q(id__lt=pk))

    def for_cards(self) -> ArticleQuerySet:
        """Everything a story card shows, loaded in four queries whatever the number of stories
        (three when no story has a cluster yet: the versions' query is then skipped). The columns
        only search and grouping read (the text index, the grouping keys) are left in the database."""
        return (
            self.select_related(*CARD_RELATIONS)
            .defer(*MATCHING_COLUMNS)
            .prefetch_related("communes", "sections", other_versions())
        )

    # Bulk writes send no signals, so they invalidate the cached timelines themselves.
    def update(self, **kwargs) -> int:
        # Which stories, read before the update (it may change what the filter matches); one query.
        touched = list(self.values_list("pk", flat=True)[: page_cache.MAX_ARTICLES + 1])
        rows = super().update(**kwargs)
        _timelines_changed(touched)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        _timelines_changed(created)
        return created


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
    # Filled by a PostgreSQL trigger from title and summary (migration 0004); stays empty on SQLite.
    search_vector = SearchVectorField("index de recherche", null=True, editable=False)

    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.VISIBLE)
    locked = models.BooleanField(
        "verrouillé", default=False, help_text="Les mises à jour de la source ne modifient plus cet article."
    )
    confidence = models.FloatField("confiance", default=0.0)

    # The event this article reports, shared with other outlets' versions (see articles.clusters).
    cluster = models.ForeignKey(
        "articles.Cluster",
        verbose_name="événement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    is_lead = models.BooleanField(
        "version principale", default=True, help_text="Timelines show one card per event: its lead version."
    )
    cluster_pinned = models.BooleanField(
        "rattachement fixé",
        default=False,
        help_text="Un éditeur a placé cet article dans son événement : le regroupement automatique ne le déplace plus.",
    )
    match_score = models.FloatField("score de rapprochement", null=True, blank=True)
    # Filled by articles.clusters.normalise: exact keys (indexed) and the words compared by the fuzzy step.
    title_key = models.CharField("clé du titre", max_length=200, blank=True, db_index=True, editable=False)
    url_key = models.CharField("clé du lien", max_length=40, blank=True, db_index=True, editable=False)
    match_text = models.CharField("texte de rapprochement", max_length=1000, blank=True, editable=False)
    # Masks of match_text's words (title, all): PostgreSQL skips the stories sharing too few words.
    title_bits = BitsField("empreinte du titre", null=True, blank=True, editable=False)
    word_bits = BitsField("empreinte des mots", null=True, blank=True, editable=False)
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
            # Used by every timeline once events are grouped: one card per event, its lead version.
            models.Index(
                fields=["-published", "-id"],
                condition=models.Q(is_lead=True),
                name="article_lead_idx",
            ),
            # Used by the editors' review queue.
            models.Index(fields=["needs_review", "published"], name="article_review_idx"),
            # Used by the "À la une" block of every timeline: few featured stories among many.
            models.Index(
                fields=["-published", "-id"],
                condition=models.Q(status="featured"),
                name="article_featured_idx",
            ),
            # Used by /recherche/: French full-text search.
            GinIndex(fields=["search_vector"], name="article_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", kwargs={"pk": self.pk})
