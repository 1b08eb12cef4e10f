"""Election pages: a hub per commune, every election, one election's area, one candidate."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from articles import timelines
from elections import queries
from elections.models import Election, Person

ARTICLES_PER_PERSON = 30
ELECTIONS_SECTION = "elections"


def _feeds(title: str, slug: str) -> list[tuple[str, str, str]]:
    return [
        ("application/rss+xml", f"{title} (RSS)", reverse("elections:person-rss", args=[slug])),
        ("application/atom+xml", f"{title} (Atom)", reverse("elections:person-atom", args=[slug])),
    ]


def hub(request: HttpRequest, commune: str) -> HttpResponse:
    """The commune's Élections timeline, with the latest election's lists and results above it."""
    places = timelines.directory()
    try:
        found, cursor = timelines.requested_page(commune, ELECTIONS_SECTION, request.GET.get("avant", ""), places)
    except timelines.UnknownPlace:
        raise Http404("Commune inconnue.") from None
    except ValueError:
        return HttpResponseBadRequest("Lien de page invalide.")

    def build() -> str:
        context = {
            "title": found.title,
            "timeline": found,
            "page": timelines.timeline_page(found, cursor),
            "hub": queries.commune_hub(found.commune) if cursor is None else None,
            "current_commune": found.commune,
            "current_section": found.section,
            "first_page": cursor is None,
            "feeds": [
                ("application/rss+xml", f"{found.title} (RSS)", found.feed_url("rss")),
                ("application/atom+xml", f"{found.title} (Atom)", found.feed_url("atom")),
            ],
        }
        return render_to_string("elections/hub.html", context, request=request)

    # Cached like the timeline it extends; an import moves the timelines' version on.
    my_commune = request.COOKIES.get("ma_commune", "")
    my_commune = my_commune if places.commune(my_commune) else ""
    key = timelines.cache_key("elections-hub", found.key, str(cursor or ""), my_commune)
    response = HttpResponse(timelines.cached(key, build, timelines.PAGE_CACHE_SECONDS))
    patch_vary_headers(response, ["Cookie"])
    return response


def index(request: HttpRequest) -> HttpResponse:
    elections = queries.elections_with_rounds()
    today = timezone.localdate()
    upcoming = sorted(
        (r for e in elections for r in e.rounds.all() if r.date >= today), key=lambda r: (r.date, r.number)
    )
    next_round = upcoming[0] if upcoming else None
    days = (next_round.date - today).days if next_round else None
    if next_round:
        next_round.election = next(e for e in elections if e.pk == next_round.election_id)
    return render(
        request,
        "elections/index.html",
        {"title": "Élections", "elections": elections, "next_round": next_round, "days": days},
    )


def area(request: HttpRequest, slug: str) -> HttpResponse:
    election = get_object_or_404(Election.objects.prefetch_related("rounds"), slug=slug)
    shown, rows = queries.area_rows(election)
    return render(
        request,
        "elections/area.html",
        {"title": election.title, "election": election, "shown_round": shown, "rows": rows},
    )


def person(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Person, slug=slug)
    articles = list(queries.articles_naming(found).for_cards()[:ARTICLES_PER_PERSON])
    return render(
        request,
        "elections/person.html",
        {
            "title": found.name,
            "person": found,
            "candidacies": queries.person_candidacies(found),
            "articles": articles,
            "feeds": _feeds(found.name, found.slug),
        },
    )
