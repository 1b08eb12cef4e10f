"""RSS 2.0 and Atom for every timeline and for searches, built with django.contrib.syndication.

Feeds share the timelines' queryset functions. A built feed is cached under the timelines' version
with its ETag (a hash of the bytes) and Last-Modified (its newest article), so a reader's repeat
request gets a 304 from one cache read, without touching the database.

A feed has one item per event: its lead version, whose guid names the event (site URL and cluster
id, not a permalink), so a reader sees no new item when a second outlet tells the same story. With
``?versions=1`` (or the setting NEWSROOM_FEED_VERSIONS) it has one item per article, as before
events existed; ``?versions=0`` asks for events whatever the setting.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import format_html, format_html_join
from django.utils.http import parse_http_date_safe

from articles import timelines
from articles.models import Article
from articles.search import SearchForm, SearchSpec, search_articles

# XML 1.0 forbids these; one stray byte in a source's title must not break a whole feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# The request a feed is being built for: item links and guids are absolute.
_request: ContextVar[HttpRequest] = ContextVar("feed_request")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def event_guid(cluster_id: int) -> str:
    """The guid of an event's item: the same on every host and whichever versions the event has."""
    return f"{settings.NEWSROOM_SITE_URL}{reverse('cluster', args=[cluster_id])}"


def wants_versions(request: HttpRequest) -> bool:
    """One item per article (True) or per event: ``?versions=1`` or ``0``, else the setting."""
    asked = request.GET.get("versions", "")
    return asked == "1" if asked in ("0", "1") else settings.NEWSROOM_FEED_VERSIONS


class TimelineFeed(Feed):
    feed_type = Rss201rev2Feed
    kind = "rss"
    language = "fr"

    def __init__(self, versions: bool = False) -> None:
        super().__init__()
        self.versions = versions  # one item per article instead of one per event

    def get_feed(self, obj, request: HttpRequest):
        token = _request.set(request)
        try:
            return super().get_feed(obj, request)
        finally:
            _request.reset(token)

    def is_event(self, item: Article) -> bool:
        return not self.versions and item.cluster_id is not None

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
        articles = timelines.timeline_articles(obj, versions=self.versions)
        return list(articles.for_cards()[: timelines.FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return xml_safe(item.title)

    def item_description(self, item: Article) -> str:
        others = item.cluster.others if self.is_event(item) else []
        if not others:
            return xml_safe(item.summary)
        absolute = _request.get().build_absolute_uri
        links = format_html_join(
            ", ", '<a href="{}">{}</a>', ((absolute(o.get_absolute_url()), o.source.name) for o in others)
        )
        event = absolute(reverse("cluster", args=[item.cluster_id]))
        also = format_html('<p>Aussi chez {} — <a href="{}">toutes les versions</a></p>', links, event)
        return xml_safe(f"{item.summary}{also}")

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        """An article's guid is its permanent address on this site; an event's names the event."""
        if self.is_event(item):
            return event_guid(item.cluster_id)
        return _request.get().build_absolute_uri(item.get_absolute_url())

    def item_guid_is_permalink(self, item: Article) -> bool | None:
        return False if self.is_event(item) else None

    def item_pubdate(self, item: Article):
        return item.published

    def item_updateddate(self, item: Article):
        # An event's item changes when a version joins or leaves it (the cluster's "updated").
        changed = [item.updated, item.published]
        if self.is_event(item):
            changed.append(item.cluster.updated)
        return max(changed)

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
        found = search_articles(obj, order="date")
        if not self.versions:
            found = found.filter(is_lead=True)  # one item, one guid, per event
        return list(found.for_cards()[: timelines.FEED_SIZE])


class SearchAtom(SearchFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, obj) -> str:
        return self.description(obj)


# (kind, one item per article) -> feed.
FEEDS = {
    (kind, versions): feed(versions)
    for kind, feed in (("rss", TimelineFeed), ("atom", TimelineAtom))
    for versions in (False, True)
}
SEARCH_FEEDS = {
    (kind, versions): feed(versions)
    for kind, feed in (("rss", SearchFeed), ("atom", SearchAtom))
    for versions in (False, True)
}


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
    versions = wants_versions(request)
    feed = FEEDS[kind, versions]
    # The host is part of the key: the feed's links are absolute.
    key = timelines.cache_key("feed", kind, request.get_host(), f"{commune}/{section}", str(versions))
    return _cached_feed(request, key, lambda: feed(request, commune=commune, section=section))


def search_feed(request: HttpRequest, kind: str):
    form = SearchForm(request.GET, directory=timelines.directory())
    if not form.is_valid():
        return HttpResponseBadRequest("Recherche invalide : " + "; ".join(form.errors.get("q", ["paramètres"])))
    spec = form.spec()
    versions = wants_versions(request)
    feed = SEARCH_FEEDS[kind, versions]
    key = timelines.cache_key("search-feed", kind, request.get_host(), spec.key, str(versions))
    return _cached_feed(request, key, lambda: feed(request, spec=spec))
