"""The sources desk: health at a glance, broken sources first, polls and recipe tests on demand."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles.admin import pipeline
from articles.admin.article_actions import log_bulk
from articles.admin.source_forms import AddSourceForm, RecipeTestForm
from articles.models import FetchLog, Source

logger = logging.getLogger(__name__)
LAST_LOGS = 10


class LastLogsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # A source keeps up to 50 logs; the form shows the latest few.
        return super().get_queryset()[:LAST_LOGS]


class FetchLogInline(admin.TabularInline):
    model = FetchLog
    formset = LastLogsFormSet
    verbose_name_plural = f"derniers relevés ({LAST_LOGS} au plus)"
    fields = ["started", "outcome", "status_code", "new", "updated", "unchanged", "duration_ms", "error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.action(description="Relever maintenant", permissions=["change"])
def poll_now(modeladmin, request, queryset):
    for source in queryset:
        pipeline.enqueue_poll(source)
    modeladmin.message_user(request, f"Relevé demandé pour {len(queryset)} source(s).", messages.SUCCESS)


@admin.action(description="Activer", permissions=["change"])
def enable(modeladmin, request, queryset):
    sources = list(queryset)
    count = queryset.update(enabled=True, disabled_reason="", error_count=0, next_check_at=timezone.now())
    log_bulk(request, sources, "Source activée.")
    modeladmin.message_user(request, f"{count} source(s) activée(s).", messages.SUCCESS)


@admin.action(description="Désactiver", permissions=["change"])
def disable(modeladmin, request, queryset):
    sources = list(queryset)
    reason = f"Désactivée par {request.user.get_username()} le {timezone.localtime():%d/%m/%Y}."
    count = queryset.update(enabled=False, disabled_reason=reason)
    log_bulk(request, sources, "Source désactivée.")
    modeladmin.message_user(request, f"{count} source(s) désactivée(s).", messages.SUCCESS)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "kind",
        "enabled",
        "health",
        "last_success_at",
        "error_count",
        "next_check_at",
        "articles_7d",
        "needs_attention",
    ]
    list_filter = ["needs_attention", "enabled", "kind"]
    search_fields = ["name", "url", "feed_url"]
    # Broken sources first: those flagged, then those failing, then by name.
    ordering = ["-needs_attention", "-error_count", "name"]
    actions = [poll_now, enable, disable]
    inlines = [FetchLogInline]
    autocomplete_fields = ["default_commune", "default_section"]
    readonly_fields = [
        "created",
        "etag",
        "last_modified",
        "content_hash",
        "error_count",
        "last_status",
        "last_error",
        "last_checked_at",
        "last_success_at",
        "last_new_article_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "url", "feed_url", "kind", "enabled", "disabled_reason"]}),
        ("Classement", {"fields": ["default_commune", "default_section", "recipe"]}),
        (
            "Santé",
            {
                "fields": [
                    "needs_attention",
                    "next_check_at",
                    "interval",
                    "error_count",
                    "last_status",
                    "last_error",
                    "last_checked_at",
                    "last_success_at",
                    "last_new_article_at",
                ]
            },
        ),
        ("Requêtes conditionnelles", {"classes": ["collapse"], "fields": ["etag", "last_modified", "content_hash"]}),
    ]

    def get_queryset(self, request):
        week_ago = timezone.now() - timedelta(days=7)
        return (
            super()
            .get_queryset(request)
            .annotate(recent_count=Count("articles", filter=Q(articles__published__gte=week_ago)))
        )

    @admin.display(description="articles (7 jours)", ordering="recent_count")
    def articles_7d(self, source: Source) -> int:
        return source.recent_count

    @admin.display(description="état", ordering="error_count")
    def health(self, source: Source) -> str:
        if not source.enabled:
            return "désactivée"
        if source.needs_attention:
            return "à surveiller"
        if source.error_count:
            return f"en échec ({source.error_count})"
        return "ok"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/tester-la-recette/", view(self.test_recipe_view), name="articles_source_test_recipe"),
            path("<int:pk>/relever/", view(require_POST(self.poll_view)), name="articles_source_poll"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """A source is added by its URL: discovery finds the feed, the name and the kind."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AddSourceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                source = pipeline.add_source(
                    data["url"],
                    name=data["name"],
                    recipe=data["recipe"],
                    section=data["default_section"],
                    commune=data["default_commune"],
                )
            except ValueError as exc:  # discovery read a stranger's site: say what went wrong, keep the form
                logger.info("discovery failed for %s: %s", data["url"], exc)
                form.add_error("url", f"Impossible d’ajouter cette source : {exc}")
            else:
                self.log_addition(request, source, [{"added": {}}])
                self.message_user(request, f"Source « {source} » ajoutée ({source.get_kind_display()}).")
                return redirect(reverse(f"{self.admin_site.name}:articles_source_change", args=[source.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Ajouter une source",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/source/add_by_url.html", context)

    def poll_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=pk)
        pipeline.enqueue_poll(source)
        self.message_user(request, f"Relevé de « {source} » demandé.")
        return redirect(reverse(f"{self.admin_site.name}:articles_source_change", args=[source.pk]))

    def test_recipe_view(self, request, pk: int):
        """Show what the recipe extracts from the live page. Saves nothing, whatever the outcome."""
        source = get_object_or_404(Source, pk=pk)
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        initial = {"url": source.fetch_url, "recipe": json.dumps(source.recipe or {}, ensure_ascii=False, indent=2)}
        form = RecipeTestForm(request.POST or None, initial=initial)
        items = None
        if request.method == "POST" and form.is_valid():
            try:
                items = pipeline.preview_recipe(form.cleaned_data["url"], form.cleaned_data["recipe"], timezone.now())
            except ValueError as exc:
                form.add_error(None, f"Échec de l’extraction : {exc}")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Tester la recette de « {source} »",
            "opts": self.model._meta,
            "original": source,
            "form": form,
            "items": items,
        }
        return TemplateResponse(request, "admin/articles/source/test_recipe.html", context)
