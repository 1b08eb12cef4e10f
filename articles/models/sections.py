from __future__ import annotations

from django.db import models
from django.urls import reverse


class Section(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField("position", default=0)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "rubrique"
        verbose_name_plural = "rubriques"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("section", kwargs={"section": self.slug})
