from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from pictures import views
from pictures.sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]

if settings.MEDIA_URL.startswith("/"):  # a local storage: Django serves it (an absolute URL means a CDN does)
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.+)$", views.media, name="media"))
