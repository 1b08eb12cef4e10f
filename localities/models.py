from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone


class Commune(models.Model):
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField("slug", max_length=100, unique=True)
    insee = models.CharField("code INSEE", max_length=5, unique=True)
    postal_codes = models.CharField("codes postaux", max_length=100, blank=True, help_text="Séparés par des espaces.")
    population = models.PositiveIntegerField("population municipale", default=0)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insee__regex=r"^[0-9][0-9AB][0-9]{3}$"), name="commune_insee_format"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="commune_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="commune_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/communes/{self.slug}/"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()


class Alias(models.Model):
    """A phrase that names a commune in a story: the gazetteer's vocabulary, editable in the admin."""

    class Kind(models.TextChoices):
        NAME = "name", "nom officiel"
        VARIANT = "variant", "variante"
        LONG_FORM = "long_form", "forme longue officielle"
        DEMONYM = "demonym", "gentilé"
        PLACE = "place", "quartier, hameau, plage ou site"
        NICKNAME = "nickname", "surnom"
        HISTORICAL = "historical", "ancien nom (contexte historique exigé)"
        AMBIGUOUS = "ambiguous", "ambigu (plusieurs communes)"
        HINT = "hint", "indice (départage seulement une mention ambiguë)"
        BLOCK = "block", "à ignorer (intercommunalité, faux ami)"
        OUTSIDE = "outside", "commune hors territoire"

    # Kinds that name no commune of ours: matched only so that they hide shorter phrases or
    # tell the classifier that the story is about somewhere else.
    KINDS_WITHOUT_COMMUNE = (Kind.BLOCK, Kind.OUTSIDE)

    phrase = models.CharField(
        "expression",
        max_length=200,
        help_text="Comparée sans tenir compte de la casse, des accents, des tirets ni des apostrophes.",
    )
    commune = models.ForeignKey(
        Commune, verbose_name="commune", null=True, blank=True, on_delete=models.CASCADE, related_name="aliases"
    )
    kind = models.CharField("type", max_length=12, choices=Kind.choices, default=Kind.VARIANT)
    weight = models.FloatField("poids", default=1.0, help_text="Multiplie le score de chaque mention.")
    enabled = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "alias de commune"
        verbose_name_plural = "alias de communes"
        ordering = ["commune__name", "kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["phrase", "commune"], name="alias_unique_phrase_commune"),
            models.UniqueConstraint(
                fields=["phrase"], condition=models.Q(commune__isnull=True), name="alias_unique_phrase_without_commune"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["block", "outside"], commune__isnull=True)
                | (~models.Q(kind__in=["block", "outside"]) & models.Q(commune__isnull=False)),
                name="alias_commune_matches_kind",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="alias_weight_positive"),
        ]

    def __str__(self) -> str:
        where = self.commune.name if self.commune_id else self.get_kind_display()
        return f"{self.phrase} → {where}"

    def clean(self) -> None:
        without = self.kind in self.KINDS_WITHOUT_COMMUNE
        if without and self.commune_id:
            raise ValidationError({"commune": "Ce type d’alias ne désigne aucune commune : laissez la commune vide."})
        if not without and not self.commune_id:
            raise ValidationError({"commune": "Choisissez la commune que cette expression désigne."})
        if not self.phrase.strip():
            raise ValidationError({"phrase": "L’expression est vide."})


class Revision(models.Model):
    """A counter bumped whenever a rule set changes, so every process rebuilds its matcher.

    Workers compare the number with the one their compiled matcher was built from (one indexed
    read, at most every few seconds), instead of being restarted after an edit.
    """

    name = models.CharField("nom", max_length=50, unique=True)
    number = models.PositiveBigIntegerField("numéro", default=0)
    changed = models.DateTimeField("modifiée le", default=timezone.now)

    class Meta:
        verbose_name = "révision des règles"
        verbose_name_plural = "révisions des règles"

    def __str__(self) -> str:
        return f"{self.name} n° {self.number}"

    @classmethod
    def bump(cls, name: str) -> None:
        global LOCAL_BUMPS
        LOCAL_BUMPS += 1
        updated = cls.objects.filter(name=name).update(number=models.F("number") + 1, changed=timezone.now())
        if not updated:
            cls.objects.get_or_create(name=name, defaults={"number": 1})


# Bumps made by this process: a process rebuilds at once after its own edits, even when a test's
# rolled-back transaction has put the database counter back to a number it has already seen.
LOCAL_BUMPS = 0
GAZETTEER = "gazetteer"


@receiver([post_save, post_delete], sender=Alias, dispatch_uid="alias_bumps_gazetteer")
@receiver([post_save, post_delete], sender=Commune, dispatch_uid="commune_bumps_gazetteer")
def _gazetteer_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    Revision.bump(GAZETTEER)
