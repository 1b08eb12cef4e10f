"""Public pages: timelines, article page, search, sources, the OPML list of feeds, "Ma commune"."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import cache as page_cache
from articles import cards, timelines
from articles.models import Article, Source
from articles.search import PER_PAGE, SearchForm, search_page

# The reader's "Ma commune": read here, by the context processor, and by the elections pages.
MY_COMMUNE_COOKIE = "ma_commune"
RELATED_LIMIT = 8


def _feeds(target) -> list[tuple[str, str, str]]:
    """(type, title, url) of a page's feeds, for <link rel="alternate"> and the visible links."""
    return [
        ("application/rss+xml", f"{target.title} (RSS)", target.feed_url("rss")),
        ("application/atom+xml", f"{target.title} (Atom)", target.feed_url("atom")),
    ]


def _my_commune(request: HttpRequest, places: timelines.Directory) -> str:
    """The reader's commune from the cookie, if it names one (pages are cached per value)."""
    slug = request.COOKIES.get(MY_COMMUNE_COOKIE, "")
    return slug if slug and places.commune(slug) else ""


def timeline(request: HttpRequest, commune: str | None = None, section: str | None = None) -> HttpResponse:
    places = timelines.directory()
    try:
        found, cursor = timelines.requested_page(commune, section, request.GET.get("avant", ""), places)
    except timelines.UnknownPlace:
        raise Http404("Commune ou rubrique inconnue.") from None
    except ValueError:
        return HttpResponseBadRequest("Lien de page invalide.")

    def build() -> str:
        return render_timeline(request, found, cursor)

    # The whole page is cached: it depends only on the timeline, the cursor and "Ma commune".
    key = page_cache.cache_key("page", found.key, str(cursor or ""), _my_commune(request, places))
    response = HttpResponse(page_cache.cached(key, build, timelines.PAGE_CACHE_SECONDS, found.scopes))
    patch_vary_headers(response, ["Cookie"])
    return response


# A timeline page is its chrome (head, navigation, header, side column, footer: the same for every
# page of a timeline whatever its stories, cached) around slots filled on each render: its cards,
# their JSON-LD list, and the home's map and a commune's side column, which count the week's stories
# and are built at most once every FRAGMENT_SECONDS.
TIMELINE_BODY = "articles/includes/timeline_body.html"
TIMELINE_JSON_LD = "includes/timeline_json_ld.html"
FRAGMENT_SECONDS = 60
SLOTS = ("body", "json_ld", "map", "aside")
_SLOT = re.compile(r"\x00slot:(body|json_ld|map|aside)\x00")


def render_timeline(
    request: HttpRequest, found: timelines.Timeline, cursor: timelines.Cursor | None, size: int = timelines.PAGE_SIZE
) -> str:
    """A timeline page's HTML: its cards (from the card cache where they are there) in its chrome."""
    page = timelines.timeline_page(found, cursor, size)
    cards.attach(page.featured, pinned=True)
    cards.attach(page.articles)
    context = timeline_context(found, cursor, page)
    fill = {
        "body": lambda: render_to_string(TIMELINE_BODY, context),
        "json_ld": lambda: render_to_string(TIMELINE_JSON_LD, {**context, "request": request}),
        "map": lambda: _fragment(("map",), "pictures/home_map.html", {}),
        "aside": lambda: _fragment(("aside", found.commune.slug), "pictures/commune_aside.html", {"timeline": found}),
    }
    pieces = _chrome(request, found, context)
    return "".join(fill[piece]() if i % 2 else piece for i, piece in enumerate(pieces))


def timeline_context(found: timelines.Timeline, cursor: timelines.Cursor | None, page) -> dict:
    """What ``articles/timeline.html`` shows of one page of a timeline."""
    return {
        "title": found.title,
        "timeline": found,
        "page": page,
        "current_commune": found.commune,
        "current_section": found.section,
        "first_page": cursor is None,
        "feeds": _feeds(found),
    }


def _chrome(request: HttpRequest, found: timelines.Timeline, context: dict) -> list[str]:
    """The timeline page cut at its slots: [text, slot, text, slot, …, text]. Cached per timeline,
    first or later page, "Ma commune" and address, until a place or a source changes (the
    "everything" version of ``articles.cache``) or PAGE_CACHE_SECONDS pass (static files' names)."""
    my_commune = _my_commune(request, timelines.directory())
    key = page_cache.cache_key("chrome", found.key, str(context["first_page"]), my_commune, request.path)
    current, pieces = page_cache.lookup(key, ())
    if pieces is None:  # cheap to build: no waiting for another request's build
        slots = {name: mark_safe(f"\x00slot:{name}\x00") for name in SLOTS}  # noqa: S308 - our markers
        html = render_to_string("articles/timeline.html", {**context, "page": None, "slots": slots}, request=request)
        pieces = _SLOT.split(html)
        page_cache.store(key, current, pieces, timelines.PAGE_CACHE_SECONDS)
    return pieces


def _fragment(parts: tuple[str, ...], template: str, context: dict) -> str:
    """The home's map or a commune's side column, rendered at most once every FRAGMENT_SECONDS."""
    key = page_cache.cache_key("fragment", *parts)
    return page_cache.timed(key, lambda: render_to_string(template, context), FRAGMENT_SECONDS)


def article(request: HttpRequest, pk: int) -> HttpResponse:
    article = Article.objects.visible().for_cards().filter(pk=pk).first()
    if article is None:
        raise Http404("Cet article n’existe pas ou n’est plus affiché.")
    communes = list(article.communes.all())
    sections = list(article.sections.all())
    related: list[Article] = []
    if communes:
        related = list(
            Article.objects.visible()
            .in_commune(communes[0])
            .exclude(pk=article.pk)
            .newest_first()
            .select_related("source")
            .prefetch_related("communes")[:RELATED_LIMIT]
        )
    home = timelines.Timeline(communes[0] if communes else None)
    return render(
        request,
        "articles/article.html",
        {
            "title": article.title,
            "article": article,
            "communes": communes,
            "sections": sections,
            "related": related,
            "related_commune": communes[0] if communes else None,
            "feeds": _feeds(home),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    places = timelines.directory()
    key = page_cache.cache_key("search", request.META.get("QUERY_STRING", ""), _my_commune(request, places))
    # A search in a commune or a section goes out of date with that timeline (unknown names: with all).
    depends = page_cache.scopes(
        places.commune(request.GET.get("commune", "")), places.section(request.GET.get("rubrique", ""))
    )
    status, html = page_cache.cached(
        key, lambda: _render_search(request, places), timelines.PAGE_CACHE_SECONDS, depends
    )
    response = HttpResponse(html, status=status)
    patch_vary_headers(response, ["Cookie"])
    return response


def _render_search(request: HttpRequest, places: timelines.Directory) -> tuple[int, str]:
    """(status, page) of a search: 400 when the form is wrong."""
    form = SearchForm(request.GET or None, directory=places)
    results = []
    spec = None
    page, has_next = 1, False
    if form.is_bound and form.is_valid():
        spec = form.spec()
        page = form.page_number()
        results, has_next = search_page(spec, page)
        cards.attach(results)
    context = {
        "title": spec.title if spec and spec.q else "Recherche",
        "form": form,
        "spec": spec,
        "results": results,
        "page": page,
        "first_rank": (page - 1) * PER_PAGE + 1,
        "last_rank": (page - 1) * PER_PAGE + len(results),
        "has_next": has_next,
        "places": places,
        "feeds": _feeds(spec if spec and spec.q else timelines.Timeline()),
    }
    html = render_to_string("articles/search.html", context, request=request)
    return (400 if form.is_bound and not form.is_valid() else 200), html


def sources(request: HttpRequest) -> HttpResponse:
    listed = Source.objects.filter(enabled=True).order_by("name")
    return render(
        request,
        "articles/sources.html",
        {"title": "Nos sources", "sources": listed, "feeds": _feeds(timelines.Timeline())},
    )


def opml(request: HttpRequest) -> HttpResponse:
    places = timelines.directory()
    outlines = {
        "home": timelines.Timeline(),
        "communes": [timelines.Timeline(commune=c) for c in places.communes],
        "sections": [timelines.Timeline(section=s) for s in places.sections],
    }
    content = render_to_string(
        "articles/flux.opml",
        {"base": request.build_absolute_uri(reverse("home")).rstrip("/"), "now": timezone.now(), **outlines},
    )
    response = HttpResponse(content, content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="newsroom-thau.opml"'
    return response


# No CSRF token: the worst a forged request can do is choose the reader's commune, and pages with
# a per-visitor token could not be cached whole.
@csrf_exempt
@require_POST
def my_commune(request: HttpRequest) -> HttpResponse:
    """Remember (or forget) the reader's commune in a cookie; no account needed."""
    slug = request.POST.get("commune", "")
    found = timelines.directory().commune(slug) if slug else None
    target = request.POST.get("next") or (found.get_absolute_url() if found else reverse("home"))
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    response = redirect(target)
    if found:
        response.set_cookie(MY_COMMUNE_COOKIE, found.slug, max_age=365 * 86400, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(MY_COMMUNE_COOKIE, samesite="Lax")
    return response


def robots(request: HttpRequest) -> HttpResponse:
    admin = reverse("admin:index")
    sitemap = f"{settings.NEWSROOM_SITE_URL}{reverse('sitemap')}"  # absolute, as robots.txt requires
    return HttpResponse(
        f"User-agent: *\nDisallow: {admin}\nSitemap: {sitemap}\n", content_type="text/plain; charset=utf-8"
    )
