"""What the desk teaches the classifier: editors' examples, trained models and alias suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TrainingExample(models.Model):
    """An article's tags as an editor confirmed or corrected them: one labelled example per article.

    A later confirmation or correction of the same article rewrites its example, so an article
    weighs once in training however many times editors touched it.
    """

    class Origin(models.TextChoices):
        CONFIRMATION = "confirmation", "confirmation"
        CORRECTION = "correction", "correction"

    article = models.OneToOneField(
        "articles.Article",
        verbose_name="article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_example",
    )
    title = models.TextField("titre")
    summary = models.TextField("résumé", blank=True)
    communes = models.JSONField("communes", default=list, help_text="Slugs des communes retenues.")
    section = models.CharField("rubrique", max_length=50, blank=True, help_text="Slug de la meilleure rubrique.")
    elections = models.BooleanField("élections", default=False)
    origin = models.CharField("origine", max_length=12, choices=Origin.choices, default=Origin.CONFIRMATION)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="éditeur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField("créé le", default=timezone.now)
    updated = models.DateTimeField("modifié le", default=timezone.now)

    class Meta:
        verbose_name = "exemple d’apprentissage"
        verbose_name_plural = "exemples d’apprentissage"
        ordering = ["-updated"]
        indexes = [
            # retrain() counts the examples changed since the last training run.
            models.Index(fields=["updated"], name="trainingexample_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.title[:60]} ({self.get_origin_display()})"

    def as_row(self) -> dict:
        """The example as a labelled row, like the lines of the stories corpus."""
        return {
            "title": self.title,
            "summary": self.summary,
            "communes": list(self.communes),
            "section_hint": self.section,
            "elections": self.elections,
        }


class ClassifierModel(models.Model):
    """A trained section model, stored in the database so that every machine loads the same one."""

    class Status(models.TextChoices):
        KEPT = "kept", "retenu"
        REFUSED = "refused", "refusé (moins bon)"

    version = models.CharField("version", max_length=64, unique=True)
    data = models.BinaryField("modèle", blank=True, default=b"", help_text="Vide pour un modèle refusé.")
    scores = models.JSONField(
        "scores", default=dict, help_text="Scores du nouveau modèle et du modèle en place, sur la même validation."
    )
    examples = models.PositiveIntegerField("exemples des éditeurs", default=0)
    status = models.CharField("issue", max_length=10, choices=Status.choices, default=Status.KEPT)
    trained_at = models.DateTimeField("entraîné le", default=timezone.now)
    active = models.BooleanField("en service", default=False)
    activated = models.DateTimeField("mis en service le", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="modèle précédent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Le modèle en service avant celui-ci : un retour arrière le remet en service.",
    )

    class Meta:
        verbose_name = "modèle de classement"
        verbose_name_plural = "modèles de classement"
        ordering = ["-trained_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="classifiermodel_one_active"
            ),
            models.CheckConstraint(
                condition=~models.Q(active=True, status="refused"), name="classifiermodel_refused_not_active"
            ),
        ]
        indexes = [
            # retrain() reads the last run's date to count the examples that came in since.
            models.Index(fields=["trained_at"], name="classifiermodel_trained_at"),
        ]

    def __str__(self) -> str:
        state = " (en service)" if self.active else ""
        return f"modèle {self.version}{state}"


class AliasSuggestion(models.Model):
    """A phrase that editors' corrections tie to a commune the gazetteer did not find in the text."""

    class Status(models.TextChoices):
        PENDING = "pending", "à décider"
        ACCEPTED = "accepted", "acceptée"
        DISMISSED = "dismissed", "écartée"

    phrase = models.CharField("expression", max_length=200)
    key = models.CharField("clé", max_length=200, editable=False, help_text="L’expression sans accents ni casse.")
    commune = models.ForeignKey(
        "localities.Commune", verbose_name="commune", on_delete=models.CASCADE, related_name="alias_suggestions"
    )
    count = models.PositiveIntegerField("corrections", default=1)
    examples = models.JSONField("exemples", default=list, help_text="Titres des articles corrigés (les derniers).")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField("proposée le", default=timezone.now)
    updated = models.DateTimeField("vue le", default=timezone.now)

    class Meta:
        verbose_name = "suggestion d’alias"
        verbose_name_plural = "suggestions d’alias"
        ordering = ["-count", "-updated"]
        constraints = [
            models.UniqueConstraint(fields=["key", "commune"], name="aliassuggestion_unique_key_commune"),
        ]
        indexes = [
            # The admin's default list: pending suggestions, most corrections first.
            models.Index(fields=["status", "-count"], name="aliassuggestion_status_count"),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.commune} ({self.count})"
