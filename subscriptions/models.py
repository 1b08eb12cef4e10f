from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

MAX_BOUNCES = 3


def new_key() -> str:
    return secrets.token_urlsafe(12)


class Frequency(models.TextChoices):
    DAILY = "quotidien", "chaque jour"
    WEEKLY = "hebdomadaire", "chaque semaine (le lundi)"
    IMMEDIATE = "immediat", "seulement des alertes, dès qu’un article correspond à mes mots-clés"


class SubscriberQuerySet(models.QuerySet):
    def active(self) -> SubscriberQuerySet:
        """The only addresses anything but a confirmation may be sent to."""
        return self.filter(confirmed__isnull=False, disabled=False)


class Subscriber(models.Model):
    email = models.EmailField("adresse électronique", max_length=254, unique=True)
    communes = models.ManyToManyField(
        "localities.Commune", verbose_name="communes", related_name="subscribers", blank=True
    )
    sections = models.ManyToManyField("articles.Section", verbose_name="rubriques", related_name="+", blank=True)
    keywords = models.JSONField("mots-clés", default=list, blank=True)
    frequency = models.CharField("fréquence", max_length=12, choices=Frequency.choices, default=Frequency.DAILY)
    hour = models.PositiveSmallIntegerField("heure d’envoi (Europe/Paris)", default=7)
    created = models.DateTimeField("inscrit le", default=timezone.now)
    confirmed = models.DateTimeField("confirmé le", null=True, blank=True)
    # Signed links carry this key: a new signup request changes it, so older confirmation links die.
    key = models.CharField("clé des liens", max_length=32, default=new_key, editable=False)
    # The last article id each kind of email already covered: the next one starts after it.
    cursor = models.BigIntegerField("dernier article résumé", default=0)
    alert_cursor = models.BigIntegerField("dernier article d’alerte", default=0)
    bounces = models.PositiveSmallIntegerField("rejets définitifs", default=0)
    disabled = models.BooleanField("désactivé", default=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "abonné·e"
        verbose_name_plural = "abonné·e·s"
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="subscriber_hour_range"),
        ]
        indexes = [
            # Used by the beat tasks: the confirmed, enabled subscribers of one frequency.
            models.Index(
                fields=["frequency", "hour"],
                condition=models.Q(confirmed__isnull=False, disabled=False),
                name="subscriber_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Delivery(models.Model):
    """One email for one subscriber and one period, written before it is handed to SMTP."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "résumé"
        ALERT = "alert", "alerte"

    class Status(models.TextChoices):
        SENDING = "sending", "en cours d’envoi"
        SENT = "sent", "envoyé"
        EMPTY = "empty", "rien de neuf (pas d’envoi)"
        RETRY = "retry", "échec temporaire, nouvel essai prévu"
        FAILED = "failed", "échec"
        BOUNCED = "bounced", "adresse refusée"

    subscriber = models.ForeignKey(
        Subscriber, verbose_name="abonné·e", on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField("type", max_length=6, choices=Kind.choices)
    period = models.CharField("période", max_length=40, help_text="Jour, semaine ou alerte : un envoi au plus.")
    status = models.CharField("état", max_length=8, choices=Status.choices, default=Status.SENDING)
    # The articles of this email: ids in (after, until], so a retry sends exactly the same ones.
    after = models.BigIntegerField("après l’article", default=0)
    until = models.BigIntegerField("jusqu’à l’article", default=0)
    articles = models.PositiveIntegerField("articles", default=0)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    error = models.CharField("erreur", max_length=500, blank=True)
    created = models.DateTimeField("enregistré le", default=timezone.now)
    sent = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "period"], name="delivery_unique_subscriber_period"),
        ]
        indexes = [
            # Used by the admin's list of envois, newest first, filtered by state.
            models.Index(fields=["status", "-created"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} · {self.period} ({self.get_status_display()})"
