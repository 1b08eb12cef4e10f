from __future__ import annotations

from django.shortcuts import render

from articles.models import Article


def home(request):
    articles = (
        Article.objects.visible()
        .select_related("source")
        .prefetch_related("communes", "sections")
        .order_by("-published", "-id")[:30]
    )
    return render(request, "articles/timeline.html", {"articles": articles, "title": "Toute l’actualité"})
