from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from articles.models import Section
from localities.models import Commune

NAV_CACHE_KEY = "nav:v1"


def navigation(request) -> dict:
    """Commune and section navigation, shown on every page (cached: it changes rarely)."""
    nav = cache.get(NAV_CACHE_KEY)
    if nav is None:
        nav = {
            "nav_communes": [(c.name, c.slug) for c in Commune.objects.only("name", "slug")],
            "nav_sections": [(s.name, s.slug) for s in Section.objects.only("name", "slug")],
        }
        cache.set(NAV_CACHE_KEY, nav, 300)
    return {**nav, "site_name": settings.NEWSROOM_SITE_NAME}
