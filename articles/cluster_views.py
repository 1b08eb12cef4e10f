"""The event page: every outlet's version of one event, oldest first, with its source, time and summary."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from articles import timelines
from articles.models import Article
from articles.views import _feeds


def event_versions(pk: int) -> list[Article]:
    """The visible versions of cluster ``pk``, oldest first, with their sources and thumbnails."""
    versions = Article.objects.visible().filter(cluster_id=pk).select_related("source", "thumbnail")
    return list(versions.order_by("published", "id"))


def cluster(request: HttpRequest, pk: int) -> HttpResponse:
    """Three queries: the versions, then the lead's communes and sections (the event's tags)."""
    versions = event_versions(pk)
    if not versions:
        raise Http404("Cet événement n’existe pas ou n’est plus affiché.")
    lead = next((version for version in versions if version.is_lead), versions[0])
    prefetch_related_objects([lead], "communes", "sections")
    communes = list(lead.communes.all())
    return render(
        request,
        "articles/cluster.html",
        {
            "title": lead.title,
            "lead": lead,
            "versions": versions,
            "sources": len({version.source_id for version in versions}),
            "communes": communes,
            "sections": list(lead.sections.all()),
            "feeds": _feeds(timelines.Timeline(communes[0] if communes else None)),
        },
    )
