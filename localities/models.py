from __future__ import annotations

from django.db import models


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
