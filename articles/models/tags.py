from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from localities.models import Revision


class Origin(models.TextChoices):
    AUTO = "auto", "automatique"
    EDITOR = "editor", "éditeur"


class _Tag(models.Model):
    """What put a tag on an article, so editors can see why."""

    origin = models.CharField("origine", max_length=10, choices=Origin.choices, default=Origin.AUTO)
    score = models.FloatField("score", default=0.0)
    rule = models.CharField("règle", max_length=100, blank=True)
    field = models.CharField("champ", max_length=50, blank=True)
    phrase = models.CharField("expression", max_length=300, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="éditeur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField("posé le", default=timezone.now)

    class Meta:
        abstract = True

    def provenance(self) -> str:
        if self.origin == Origin.EDITOR:
            who = self.editor.get_username() if self.editor else "?"
            return f"éditeur : {who}, le {timezone.localtime(self.created):%d/%m/%Y}"
        detail = f"{self.rule} « {self.phrase} »" if self.phrase else self.rule
        return f"auto : {detail}".strip()


class ArticleCommune(_Tag):
    article = models.ForeignKey("articles.Article", verbose_name="article", on_delete=models.CASCADE)
    commune = models.ForeignKey("localities.Commune", verbose_name="commune", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "commune d’un article"
        verbose_name_plural = "communes des articles"
        constraints = [
            models.UniqueConstraint(fields=["article", "commune"], name="articlecommune_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} ({self.provenance()})"


class ArticleSection(_Tag):
    article = models.ForeignKey("articles.Article", verbose_name="article", on_delete=models.CASCADE)
    section = models.ForeignKey("articles.Section", verbose_name="rubrique", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "rubrique d’un article"
        verbose_name_plural = "rubriques des articles"
        constraints = [
            models.UniqueConstraint(fields=["article", "section"], name="articlesection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.section} ({self.provenance()})"


class SectionRule(models.Model):
    class Kind(models.TextChoices):
        KEYWORD = "keyword", "mot-clé ou expression"
        CATEGORY = "category", "catégorie du flux"

    section = models.ForeignKey(
        "articles.Section", verbose_name="rubrique", on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.KEYWORD)
    phrase = models.CharField("expression", max_length=200)
    weight = models.FloatField("poids", default=1.0)
    enabled = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "règle de rubrique"
        verbose_name_plural = "règles de rubrique"
        ordering = ["section", "kind", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["section", "kind", "phrase"], name="sectionrule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.section} : {self.phrase} ({self.weight:+g})"


class Candidate(models.Model):
    name = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(
        "localities.Commune", verbose_name="commune", on_delete=models.CASCADE, related_name="candidates"
    )
    list_name = models.CharField("liste", max_length=200, blank=True)
    party = models.CharField("parti", max_length=100, blank=True)
    enabled = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "candidat·e"
        verbose_name_plural = "candidat·e·s"
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "commune"], name="candidate_unique_name_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune})"


# Rules and candidates are compiled into each process's classifier: bump a counter on every change
# so running workers rebuild it (see articles.classify.current_rules).
RULES = "classify"


@receiver([post_save, post_delete], sender=SectionRule, dispatch_uid="sectionrule_bumps_rules")
@receiver([post_save, post_delete], sender=Candidate, dispatch_uid="candidate_bumps_rules")
@receiver([post_save, post_delete], sender="articles.Section", dispatch_uid="section_bumps_rules")
def _rules_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    Revision.bump(RULES)
