"""RSS 2.0 and Atom for every timeline and for searches, built with django.contrib.syndication.

Feeds share the timelines' queryset functions. A built feed is cached under the timelines' version
with its ETag (a hash of the bytes) and Last-Modified (its newest article), so a reader's repeat
request gets a 304 from one cache read, without touching the database.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import parse_http_date_safe

from articles import timelines
from articles.models import Article
from articles.search import SearchForm, SearchSpec, search_articles

# XML 1.0 forbids these; one stray byte in a source's title must not break a whole feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")


class TimelineFeed(Feed):
    feed_type = Rss201rev2Feed
    kind = "rss"
    language = "fr"

    def get_object(self, request: HttpRequest, commune: str | None = None, section: str | None = None):
        return timelines.find_timeline(commune, section)

    def title(self, obj) -> str:
        return xml_safe(f"{obj.title} — Newsroom Thau")

    def link(self, obj) -> str:
        return obj.url

    def feed_url(self, obj) -> str:
        return obj.feed_url(self.kind)

    def description(self, obj) -> str:
        return xml_safe(f"L’actualité locale du bassin de Thau : {obj.title}.")

    def items(self, obj) -> list[Article]:
        return list(timelines.timeline_articles(obj).for_cards()[: timelines.FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return xml_safe(item.title)

    def item_description(self, item: Article) -> str:
        return xml_safe(item.summary)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    # No item_guid: the guid is the article's permanent address on this site, which never changes.

    def item_pubdate(self, item: Article):
        return item.published

    def item_updateddate(self, item: Article):
        return max(item.updated, item.published)

    def item_author_name(self, item: Article) -> str:
        return xml_safe(item.source.name)

    def item_categories(self, item: Article) -> list[str]:
        return [xml_safe(c.name) for c in item.communes.all()] + [xml_safe(s.name) for s in item.sections.all()]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        if not item.image:
            return []
        mime, _ = mimetypes.guess_type(urlsplit(item.image).path)
        return [Enclosure(item.image, "0", mime if mime and mime.startswith("image/") else "image/jpeg")]


class TimelineAtom(TimelineFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, obj) -> str:
        return self.description(obj)


class SearchFeed(TimelineFeed):
    def get_object(self, request: HttpRequest, spec: SearchSpec):
        return spec

    def description(self, obj) -> str:
        return xml_safe(f"Les articles du bassin de Thau qui répondent à « {obj.q} ».")

    def items(self, obj) -> list[Article]:
        return list(search_articles(obj, order="date").for_cards()[: timelines.FEED_SIZE])


class SearchAtom(SearchFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, obj) -> str:
        return self.description(obj)


FEEDS = {"rss": TimelineFeed(), "atom": TimelineAtom()}
SEARCH_FEEDS = {"rss": SearchFeed(), "atom": SearchAtom()}


def _cached_feed(request: HttpRequest, key: str, build) -> HttpResponse:
    """Serve a feed from the cache with ETag and Last-Modified, answering 304 when the reader has it.

    The small entry (ETag, dates) is read with the version in one round trip; the bytes are stored
    apart under their ETag, so a 304 never loads them.
    """
    current, meta = timelines.lookup(key)
    body = None
    if meta is None:
        built = build()
        body = built.content
        meta = {
            "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            "last_modified": built.get("Last-Modified", ""),
            "content_type": built["Content-Type"],
        }
        cache.set(_body_key(meta["etag"]), body, timelines.FEED_CACHE_SECONDS)
        timelines.store(key, current, meta, timelines.FEED_CACHE_SECONDS)
    response = get_conditional_response(
        request, etag=meta["etag"], last_modified=parse_http_date_safe(meta["last_modified"])
    )
    if response is None:
        body = body or cache.get(_body_key(meta["etag"]))
        if body is None:  # evicted on its own: build it again
            body = build().content
        response = HttpResponse(body, content_type=meta["content_type"])
    response["ETag"] = meta["etag"]
    if meta["last_modified"]:
        response["Last-Modified"] = meta["last_modified"]
    patch_cache_control(response, public=True, max_age=300)
    return response


def _body_key(etag: str) -> str:
    return "feeds:body:" + etag.strip('"')


def timeline_feed(request: HttpRequest, kind: str, commune: str | None = None, section: str | None = None):
    feed = FEEDS[kind]
    # The host is part of the key: the feed's links are absolute.
    key = timelines.cache_key("feed", kind, request.get_host(), f"{commune}/{section}")
    return _cached_feed(request, key, lambda: feed(request, commune=commune, section=section))


def search_feed(request: HttpRequest, kind: str):
    form = SearchForm(request.GET, directory=timelines.directory())
    if not form.is_valid():
        return HttpResponseBadRequest("Recherche invalide : " + "; ".join(form.errors.get("q", ["paramètres"])))
    spec = form.spec()
    feed = SEARCH_FEEDS[kind]
    key = timelines.cache_key("search-feed", kind, request.get_host(), spec.key)
    return _cached_feed(request, key, lambda: feed(request, spec=spec))
