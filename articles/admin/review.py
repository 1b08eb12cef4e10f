"""The review queue: articles "à vérifier", oldest first, each confirmed or corrected in one click."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles.admin import pipeline, tagging
from articles.admin.article_actions import log_bulk
from articles.models import Article, ArticleCommune, ArticleSection, Section
from localities.models import Commune

PAGE_SIZE = 25


def review_queryset():
    """Oldest first, so nothing waits forever; tags and their provenance loaded up front."""
    return (
        tagging.to_review(Article.objects.all())
        .select_related("source")
        .prefetch_related(
            Prefetch("articlecommune_set", ArticleCommune.objects.select_related("commune", "editor")),
            Prefetch("articlesection_set", ArticleSection.objects.select_related("section", "editor")),
        )
        .order_by("published", "id")
    )


def queue(model_admin):
    def view(request):
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        page = Paginator(review_queryset(), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **model_admin.admin_site.each_context(request),
            "title": "Articles à vérifier",
            "opts": Article._meta,
            "page": page,
            "communes": list(Commune.objects.values_list("pk", "name")),
            "sections": list(Section.objects.values_list("pk", "name")),
        }
        return TemplateResponse(request, "admin/articles/article/review.html", context)

    return view


def _chosen(model, value: str | None):
    """The commune or section picked in the form, None if none was; 404 for one that does not exist."""
    if not value:
        return None
    found = model.objects.filter(pk=value).first() if value.isdigit() else None
    if found is None:
        raise Http404(f"{model._meta.verbose_name} inconnue")
    return found


def decide(model_admin):
    @require_POST
    def view(request, pk: int):
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        article = Article.objects.filter(pk=pk).first()
        if article is None:
            raise Http404("article inconnu")
        commune = _chosen(Commune, request.POST.get("commune"))
        section = _chosen(Section, request.POST.get("section"))
        if commune or section:
            changes = []
            with transaction.atomic():
                if commune:
                    tagging.replace_communes(article, commune, request.user)
                    changes.append(f"commune corrigée en {commune}")
                if section:
                    tagging.set_section([article.pk], section, request.user)
                    changes.append(f"rubrique corrigée en {section}")
                tagging.confirm_tags([article.pk], request.user)
            done = " et ".join(changes)
            log_bulk(request, [article], f"Vérifié : {done}.")
            messages.success(request, f"« {article} » : {done}.")
        elif request.POST.get("action") == "correct":
            messages.error(request, f"« {article} » : choisissez une commune ou une rubrique pour corriger.")
        else:
            tagging.confirm_tags([article.pk], request.user)
            log_bulk(request, [article], "Vérifié : étiquettes proposées confirmées.")
            messages.success(request, f"« {article} » : étiquettes confirmées.")
        pipeline.bump_timelines([article.pk])
        url = reverse(f"{model_admin.admin_site.name}:articles_article_review")
        return redirect(f"{url}?page={request.POST.get('page', '1')}")

    return view
