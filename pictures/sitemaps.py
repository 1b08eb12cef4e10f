"""/sitemap.xml (django.contrib.sitemaps): the timelines, the newest articles and the fixed pages."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles import timelines
from articles.models import Article

ARTICLE_LIMIT = 5000  # the newest ones; older articles stay reachable from the timelines


class PageSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> list[str]:
        return ["home", "sources", "accessibility"]

    def location(self, item: str) -> str:
        return reverse(item)


class TimelineSitemap(Sitemap):
    changefreq = "hourly"

    def items(self) -> list[timelines.Timeline]:
        places = timelines.directory()
        return [timelines.Timeline(commune=c) for c in places.communes] + [
            timelines.Timeline(section=s) for s in places.sections
        ]

    def location(self, item: timelines.Timeline) -> str:
        return item.url


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = ARTICLE_LIMIT

    def items(self):
        return Article.objects.visible().newest_first().only("id", "updated")[:ARTICLE_LIMIT]

    def lastmod(self, item: Article):
        return item.updated


SITEMAPS = {"pages": PageSitemap, "timelines": TimelineSitemap, "articles": ArticleSitemap}
