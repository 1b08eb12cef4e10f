"""Bulk actions of the articles list. Each writes one admin log entry per article it changed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet
from django.template.response import TemplateResponse

from articles.admin import clusters, pipeline, tagging
from articles.clusters import state
from articles.models import Article, Section
from localities.models import Commune


def log_bulk(request, objects, message: str) -> None:
    """Each object's history shows the bulk change like any other."""
    LogEntry.objects.log_actions(
        user_id=request.user.pk, queryset=list(objects), action_flag=CHANGE, change_message=message
    )


class CommuneForm(forms.Form):
    commune = forms.ModelChoiceField(Commune.objects.all(), label="Commune")


class SectionForm(forms.Form):
    section = forms.ModelChoiceField(Section.objects.all(), label="Rubrique")


def _pick(modeladmin, request, queryset, form_class, title: str):
    """The intermediate page of an action: returns the valid form, or the page asking for it."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            return form, None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return None, TemplateResponse(request, "admin/articles/article/pick_tag.html", context)


def _tag_action(name: str, *, description: str, form_class, field: str, title: str, logged: str, done: str):
    """The bulk action ``name``: asks for one tag (``field`` of ``form_class``), then calls ``tagging.<name>``.

    ``logged`` (each article's history) and ``done`` (the message) are formatted with ``tag`` and ``count``.
    """

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset: QuerySet[Article]):
        form, page = _pick(modeladmin, request, queryset, form_class, title)
        if page:
            return page
        tag = form.cleaned_data[field]
        count = getattr(tagging, name)(queryset.values_list("pk", flat=True), tag, request.user)
        log_bulk(request, queryset, logged.format(tag=tag))
        pipeline.bump_timelines(queryset.values_list("pk", flat=True))
        modeladmin.message_user(request, done.format(tag=tag, count=count), messages.SUCCESS)
        return None

    # The admin names an action after its function: the name is what the changelist posts.
    action.__name__ = action.__qualname__ = name
    return action


add_commune = _tag_action(
    "add_commune",
    description="Ajouter une commune",
    form_class=CommuneForm,
    field="commune",
    title="Ajouter une commune aux articles choisis",
    logged="Commune ajoutée : {tag}.",
    done="{tag} ajoutée à {count} article(s).",
)
remove_commune = _tag_action(
    "remove_commune",
    description="Retirer une commune",
    form_class=CommuneForm,
    field="commune",
    title="Retirer une commune des articles choisis",
    logged="Commune retirée : {tag}.",
    done="{tag} retirée de {count} article(s).",
)
set_section = _tag_action(
    "set_section",
    description="Définir la rubrique",
    form_class=SectionForm,
    field="section",
    title="Définir la rubrique des articles choisis",
    logged="Rubrique définie : {tag}.",
    done="{count} article(s) rangé(s) dans « {tag} ».",
)


def _update(modeladmin, request, queryset, done: str, **fields) -> None:
    articles = list(queryset)
    count = Article.objects.filter(pk__in=[s.pk for s in articles]).update(**fields)
    state.refresh({s.cluster_id for s in articles})  # a hidden lead hands over to a visible version
    log_bulk(request, articles, done.capitalize() + ".")
    pipeline.bump_timelines([s.pk for s in articles])
    modeladmin.message_user(request, f"{count} article(s) {done}.", messages.SUCCESS)


@admin.action(description="Masquer", permissions=["change"])
def hide(modeladmin, request, queryset):
    _update(modeladmin, request, queryset, "masqué(s)", status=Article.Status.HIDDEN)


@admin.action(description="Afficher", permissions=["change"])
def show(modeladmin, request, queryset):
    _update(modeladmin, request, queryset, "affiché(s)", status=Article.Status.VISIBLE)


@admin.action(description="Mettre à la une", permissions=["change"])
def feature(modeladmin, request, queryset):
    _update(modeladmin, request, queryset, "mis à la une", status=Article.Status.FEATURED)


@admin.action(description="Retirer de la une", permissions=["change"])
def unfeature(modeladmin, request, queryset):
    featured = queryset.filter(status=Article.Status.FEATURED)
    _update(modeladmin, request, featured, "retiré(s) de la une", status=Article.Status.VISIBLE)


@admin.action(description="Verrouiller (ignorer les mises à jour de la source)", permissions=["change"])
def lock(modeladmin, request, queryset):
    _update(modeladmin, request, queryset, "verrouillé(s)", locked=True)


@admin.action(description="Déverrouiller", permissions=["change"])
def unlock(modeladmin, request, queryset):
    _update(modeladmin, request, queryset, "déverrouillé(s)", locked=False)


@admin.action(description="Confirmer les étiquettes proposées", permissions=["change"])
def confirm(modeladmin, request, queryset):
    articles = list(queryset)
    count = tagging.confirm_tags([s.pk for s in articles], request.user)
    log_bulk(request, articles, "Étiquettes confirmées.")
    modeladmin.message_user(request, f"Étiquettes de {count} article(s) confirmées.", messages.SUCCESS)


@admin.action(description="Reclasser", permissions=["change"])
def reclassify(modeladmin, request, queryset):
    articles = list(queryset)
    count = pipeline.reclassify(Article.objects.filter(pk__in=[s.pk for s in articles]))
    log_bulk(request, articles, "Reclassé automatiquement (étiquettes de l’éditeur conservées).")
    pipeline.bump_timelines([s.pk for s in articles])
    modeladmin.message_user(request, f"{count} article(s) reclassé(s).", messages.SUCCESS)


ACTIONS = [
    add_commune,
    remove_commune,
    set_section,
    hide,
    show,
    feature,
    unfeature,
    lock,
    unlock,
    confirm,
    reclassify,
    *clusters.ARTICLE_ACTIONS,
]
