"""What the desk taught the classifier: examples, trained models (activate, roll back) and alias suggestions.

The models page says which model is in service, with its scores and training date.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.admin import pipeline
from articles.admin.rules import touched_articles
from articles.classify import suggestions, training
from articles.models import AliasSuggestion, ClassifierModel, TrainingExample


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["title", "communes", "section", "elections", "origin", "editor", "updated"]
    list_filter = ["origin", "section", "elections"]
    list_select_related = ["editor"]
    search_fields = ["title", "summary"]
    date_hierarchy = "updated"

    def has_add_permission(self, request) -> bool:
        return False  # written by editors' confirmations and corrections only

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def figures(scores: dict, side: str = "nouveau") -> str:
    """ "validation 0.91 · base 0.98" for one model of a training run."""
    mine = scores.get(side) or {}
    parts = [f"{name} {mine[name]['score']:.3f}" for name in ("validation", "base") if name in mine]
    return " · ".join(parts) or "—"


@admin.action(description="Mettre en service", permissions=["change"])
def activate(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "Choisissez un seul modèle à mettre en service.", messages.ERROR)
        return
    row = queryset.get()
    try:
        training.activate(row)
    except ValueError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    modeladmin.message_user(request, f"Modèle {row.version} en service.", messages.SUCCESS)


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    list_display = ["version", "active", "status", "new_scores", "current_scores", "examples", "trained_at"]
    list_filter = ["active", "status"]
    fields = ["version", "status", "active", "activated", "previous", "examples", "trained_at", "scores"]
    readonly_fields = fields
    actions = [activate]
    change_list_template = "admin/articles/classifiermodel/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # trained by retrain_classifier only

    @admin.display(description="scores du modèle")
    def new_scores(self, row: ClassifierModel) -> str:
        return figures(row.scores)

    @admin.display(description="scores du modèle alors en service")
    def current_scores(self, row: ClassifierModel) -> str:
        return figures(row.scores, "en_service")

    def get_urls(self):
        return [
            path(
                "revenir/",
                self.admin_site.admin_view(self.rollback_view),
                name="articles_classifiermodel_rollback",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        current = ClassifierModel.objects.filter(active=True).first()
        extra_context = {**(extra_context or {}), "current_model": current}
        if current is not None:
            extra_context["current_scores"] = figures(current.scores)
        return super().changelist_view(request, extra_context)

    def rollback_view(self, request):
        if request.method != "POST":
            raise Http404("POST attendu")
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            previous = training.rollback()
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Retour arrière : en service, {previous or 'le modèle livré'}.")
        return redirect(reverse(f"{self.admin_site.name}:articles_classifiermodel_changelist"))


@admin.action(description="Écarter les suggestions choisies", permissions=["change"])
def dismiss(modeladmin, request, queryset):
    for suggestion in queryset:
        suggestions.dismiss(suggestion)
    modeladmin.message_user(request, f"{len(queryset)} suggestion(s) écartée(s).", messages.SUCCESS)


@admin.register(AliasSuggestion)
class AliasSuggestionAdmin(admin.ModelAdmin):
    list_display = ["phrase", "commune", "count", "example_titles", "status", "decide"]
    list_filter = ["status", "commune"]
    list_select_related = ["commune"]
    search_fields = ["phrase"]
    readonly_fields = ["phrase", "commune", "count", "examples", "status", "created", "updated"]
    actions = [dismiss]

    def has_add_permission(self, request) -> bool:
        return False  # suggested by editors' corrections only

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("status", "-count", "-updated")

    @admin.display(description="exemples")
    def example_titles(self, suggestion: AliasSuggestion) -> str:
        return " · ".join(suggestion.examples[:3])

    @admin.display(description="décision")
    def decide(self, suggestion: AliasSuggestion) -> str:
        if suggestion.status != AliasSuggestion.Status.PENDING:
            return suggestion.get_status_display()
        # One click: the button posts the changelist's own form (it carries the CSRF token) to our view.
        url = reverse(f"{self.admin_site.name}:articles_aliassuggestion_decide", args=[suggestion.pk])
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="decision" value="accept">Accepter</button> '
            '<button type="submit" class="button" formaction="{}" name="decision" value="dismiss">Écarter</button>',
            url,
            url,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.decide_view))
        return [path("<int:pk>/decider/", view, name="articles_aliassuggestion_decide"), *super().get_urls()]

    def decide_view(self, request, pk: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        suggestion = AliasSuggestion.objects.select_related("commune").filter(pk=pk).first()
        if suggestion is None:
            raise Http404("suggestion inconnue")
        if request.POST.get("decision") == "accept":
            alias = suggestions.accept(suggestion, request.user)
            count = pipeline.reclassify(touched_articles([alias.phrase]))
            pipeline.bump_timelines(touched_articles([alias.phrase]).values_list("pk", flat=True))
            messages.success(request, f"Alias « {alias} » créé ; {count} article(s) concerné(s) reclassé(s).")
        else:
            suggestions.dismiss(suggestion)
            messages.success(request, f"Suggestion « {suggestion.phrase} » écartée.")
        return redirect(reverse(f"{self.admin_site.name}:articles_aliassuggestion_changelist"))
