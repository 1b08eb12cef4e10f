from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

NEW_SOURCE_INTERVAL = 30 * 60  # seconds


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", "flux RSS/Atom"
        SCRAPE = "scrape", "page à extraire"

    name = models.CharField("nom", max_length=200)
    url = models.URLField("adresse", max_length=2000, help_text="Adresse du site ou du flux, telle que saisie.")
    feed_url = models.URLField(
        "adresse du flux", max_length=2000, blank=True, help_text="Flux découvert, ou page extraite."
    )
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.FEED)
    enabled = models.BooleanField("active", default=True)
    created = models.DateTimeField("créée le", default=timezone.now)
    recipe = models.JSONField(
        "recette d’extraction",
        default=dict,
        blank=True,
        help_text="Sélecteurs CSS : item, title, link, et en option summary, date, image, commune, section.",
    )
    default_commune = models.ForeignKey(
        "localities.Commune",
        verbose_name="commune par défaut",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_section = models.ForeignKey(
        "articles.Section",
        verbose_name="rubrique par défaut",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Conditional GET and change detection.
    etag = models.CharField("ETag", max_length=500, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    content_hash = models.CharField("empreinte du contenu", max_length=64, blank=True)

    # Scheduling and health.
    next_check_at = models.DateTimeField("prochain relevé", default=timezone.now)
    interval = models.PositiveIntegerField("intervalle (s)", default=NEW_SOURCE_INTERVAL)
    error_count = models.PositiveIntegerField("erreurs consécutives", default=0)
    last_status = models.PositiveSmallIntegerField("dernier statut HTTP", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    needs_attention = models.BooleanField("à surveiller", default=False)
    disabled_reason = models.TextField("raison de la désactivation", blank=True)
    last_checked_at = models.DateTimeField("dernier relevé", null=True, blank=True)
    last_success_at = models.DateTimeField("dernier succès", null=True, blank=True)
    last_new_article_at = models.DateTimeField("dernier nouvel article", null=True, blank=True)
    # Set by the dispatcher so a source waiting in the queue is not queued again each minute.
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    # A lease taken with one conditional UPDATE, so two workers (even on two machines sharing the
    # database) never poll the same source at once; it expires by itself if a worker dies.
    lease_until = models.DateTimeField("relevé en cours jusqu’à", null=True, blank=True)

    class Meta:
        verbose_name = "source"
        verbose_name_plural = "sources"
        ordering = ["name"]
        indexes = [
            # Used by the dispatcher: enabled sources due for a poll, oldest first.
            models.Index(fields=["enabled", "next_check_at"], name="source_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval__gte=60) & models.Q(interval__lte=7 * 24 * 3600),
                name="source_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.SCRAPE:
            missing = [key for key in ("item", "title", "link") if not (self.recipe or {}).get(key)]
            if missing:
                raise ValidationError({"recipe": "La recette doit donner les sélecteurs : " + ", ".join(missing) + "."})

    @property
    def fetch_url(self) -> str:
        return self.feed_url or self.url


class FetchLog(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "succès"
        NOT_MODIFIED = "not_modified", "inchangé"
        ERROR = "error", "erreur"

    source = models.ForeignKey(Source, verbose_name="source", on_delete=models.CASCADE, related_name="fetch_logs")
    started = models.DateTimeField("début", default=timezone.now)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    outcome = models.CharField("résultat", max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField("statut HTTP", null=True, blank=True)
    bytes = models.PositiveIntegerField("octets", default=0)
    new = models.PositiveIntegerField("nouveaux", default=0)
    updated = models.PositiveIntegerField("mis à jour", default=0)
    unchanged = models.PositiveIntegerField("inchangés", default=0)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "journal de relevé"
        verbose_name_plural = "journaux de relevé"
        ordering = ["-started"]
        indexes = [
            # Used by the source admin inline and by log pruning (last 50 per source).
            models.Index(fields=["source", "-started"], name="fetchlog_source_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.started:%Y-%m-%d %H:%M} {self.get_outcome_display()}"
