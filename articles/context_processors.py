from __future__ import annotations

from django.conf import settings

from articles import timelines
from articles.views import MY_COMMUNE_COOKIE


def navigation(request) -> dict:
    """Commune and section navigation and the reader's "Ma commune", on every page (no query when cached)."""
    places = timelines.directory()
    slug = request.COOKIES.get(MY_COMMUNE_COOKIE, "")
    return {
        "nav_communes": [(c.name, c.slug) for c in places.communes],
        "nav_sections": [(s.name, s.slug) for s in places.sections],
        "my_commune": places.commune(slug) if slug else None,
        "site_name": settings.NEWSROOM_SITE_NAME,
    }
