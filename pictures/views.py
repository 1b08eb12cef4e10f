"""Our thumbnails served with long cache headers, and the accessibility statement."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.static import serve

from articles import timelines

# File names carry a hash of their content: a file never changes, so browsers keep it a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def media(request: HttpRequest, path: str) -> HttpResponse:
    """A file of MEDIA_ROOT (local storage). Behind a proxy or a CDN, let it serve /media/ instead."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pictures/accessibilite.html",
        {
            "title": "Accessibilité",
            "contact_url": settings.NEWSROOM_CONTACT_URL,
            "feeds": [],
            "places": timelines.directory(),
        },
    )
