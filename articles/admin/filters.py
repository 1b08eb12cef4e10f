"""List filters of the stories list. Each lists its choices in one query, whatever the page size."""

from __future__ import annotations

from django.contrib import admin

from articles.admin.tagging import to_review, without_commune
from articles.models import ArticleSection, Section
from localities.models import Commune

NONE = "aucune"


class CommuneFilter(admin.SimpleListFilter):
    title = "commune"
    parameter_name = "commune"

    def lookups(self, request, model_admin):
        return [(NONE, "Sans commune"), *Commune.objects.values_list("slug", "name")]

    def queryset(self, request, queryset):
        if self.value() == NONE:
            return without_commune(queryset)
        if self.value():
            return queryset.filter(communes__slug=self.value())
        return queryset


class SectionFilter(admin.SimpleListFilter):
    title = "rubrique"
    parameter_name = "rubrique"

    def lookups(self, request, model_admin):
        return [(NONE, "Sans rubrique"), *Section.objects.values_list("slug", "name")]

    def queryset(self, request, queryset):
        if self.value() == NONE:
            return queryset.exclude(pk__in=ArticleSection.objects.values("article_id"))
        if self.value():
            return queryset.filter(sections__slug=self.value())
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """ "À vérifier": the classifier was unsure, or the story has no commune."""

    title = "vérification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("a-verifier", "À vérifier"), ("verifie", "Vérifié")]

    def queryset(self, request, queryset):
        if self.value() == "a-verifier":
            return to_review(queryset)
        if self.value() == "verifie":
            return queryset.exclude(pk__in=to_review(queryset.model.objects.all()).values("pk"))
        return queryset
