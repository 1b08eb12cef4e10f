from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles.models import Article
from tests.builders import make_article, make_articles

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_lists_visible_stories_and_never_hidden_ones(client):
    make_article("Sète : le marché du mercredi déménage", communes=("sete",))
    make_article("Une histoire masquée", status=Article.Status.HIDDEN)
    html = html_of(client, "/")
    assert "le marché du mercredi déménage" in html
    assert "Une histoire masquée" not in html


def test_featured_stories_come_first_in_an_a_la_une_block(client):
    make_article("Le plus récent", published=datetime(2026, 11, 29, 10, tzinfo=PARIS))
    pinned_on = datetime(2026, 11, 1, tzinfo=PARIS)
    make_article("Épinglé par la rédaction", status=Article.Status.FEATURED, published=pinned_on)
    html = html_of(client, "/")
    assert html.index("À la une") < html.index("Épinglé par la rédaction") < html.index("Le plus récent")


def test_a_commune_page_shows_only_that_town(client):
    make_article("Gigean : la fête du village", communes=("gigean",))
    make_article("Sète : les joutes", communes=("sete",))
    html = html_of(client, "/communes/gigean/")
    assert "<h1>Gigean</h1>" in html
    assert "la fête du village" in html and "les joutes" not in html


def test_an_unknown_commune_or_section_is_a_404(client):
    assert client.get("/communes/paris/").status_code == 404
    assert client.get("/rubriques/meteo/").status_code == 404
    assert client.get("/communes/sete/meteo/").status_code == 404
    assert client.get("/communes/paris/elections/").status_code == 404


def test_a_section_page_and_a_commune_section_page_filter_both_ways(client):
    make_article("Sète : premier tour", communes=("sete",), sections=("elections",))
    make_article("Frontignan : premier tour", communes=("frontignan",), sections=("elections",))
    make_article("Sète : le FC Sète gagne", communes=("sete",), sections=("sports",))
    section = html_of(client, "/rubriques/elections/")
    assert "Sète : premier tour" in section and "Frontignan : premier tour" in section
    assert "FC Sète" not in section
    both = html_of(client, "/communes/sete/elections/")
    assert "<h1>Élections à Sète</h1>" in both
    assert "Sète : premier tour" in both
    assert "Frontignan : premier tour" not in both and "FC Sète" not in both


def test_each_item_shows_badges_section_title_link_source_thumbnail_and_exact_date(client):
    story = make_article(
        "Balaruc-le-Vieux : le conseil municipal vote le budget",
        communes=("balaruc-le-vieux",),
        sections=("politique",),
        image="https://img.example/budget.jpg",
        published=datetime(2026, 11, 2, 18, 5, tzinfo=PARIS),
    )
    html = html_of(client, "/")
    assert '<a class="badge" href="/communes/balaruc-le-vieux/">Balaruc-le-Vieux</a>' in html
    assert '<a class="kicker" href="/rubriques/politique/">Politique</a>' in html
    assert f'<a href="/articles/{story.pk}/">Balaruc-le-Vieux : le conseil municipal vote le budget</a>' in html
    assert '<span class="source">Le Singulier</span>' in html
    assert "img.example" not in html  # pages show only our own copy (pictures/), never the original
    assert '<time datetime="2026-11-02T18:05:00+01:00"' in html


@time_machine.travel(datetime(2026, 11, 29, 21, 0, tzinfo=PARIS), tick=False)
def test_items_are_grouped_by_day_with_french_labels_and_ages(client):
    make_article("Ce soir", published=datetime(2026, 11, 29, 20, 30, tzinfo=PARIS))
    make_article("Hier soir", published=datetime(2026, 11, 28, 19, 20, tzinfo=PARIS))
    make_article("Le mois dernier", published=datetime(2026, 11, 1, 9, 0, tzinfo=PARIS))
    html = html_of(client, "/")
    assert html.index("Aujourd’hui") < html.index("Ce soir") < html.index(">Hier<") < html.index("Hier soir")
    assert html.index("Hier soir") < html.index("Dimanche 1er novembre 2026") < html.index("Le mois dernier")
    assert "il y a 30 minutes" in html
    assert "hier à 19 h 20" in html
    assert "il y a 4 semaines" in html


def test_every_page_has_commune_and_section_navigation_and_feed_discovery(client):
    story = make_article("Mèze : la conchyliculture", communes=("meze",))
    pages = ["/", "/communes/meze/", "/rubriques/culture/", "/communes/meze/culture/", f"/articles/{story.pk}/"]
    for url in [*pages, "/recherche/", "/recherche/?q=conchyliculture", "/sources/"]:
        html = html_of(client, url)
        assert 'aria-label="Communes"' in html and 'href="/communes/frontignan/"' in html, url
        assert 'aria-label="Rubriques"' in html and 'href="/rubriques/sports/"' in html, url
        assert 'rel="alternate" type="application/rss+xml"' in html, url
        assert 'rel="alternate" type="application/atom+xml"' in html, url
    assert 'href="/communes/meze/culture/rss/"' in html_of(client, "/communes/meze/culture/")
    assert 'href="/recherche/atom/?q=conchyliculture"' in html_of(client, "/recherche/?q=conchyliculture")


def test_ma_commune_is_remembered_in_a_cookie_and_offered_on_every_page(client):
    response = client.post("/ma-commune/", {"commune": "frontignan", "next": "/communes/frontignan/"})
    assert response.status_code == 302 and response["Location"] == "/communes/frontignan/"
    assert client.cookies["ma_commune"].value == "frontignan"
    home = html_of(client, "/")
    assert '<li class="mine"><a href="/communes/frontignan/" title="Ma commune">★ Frontignan</a></li>' in home
    assert "l’actualité de Frontignan" in home
    assert "C’est ma commune" in html_of(client, "/communes/frontignan/")
    client.post("/ma-commune/", {"commune": ""})
    assert 'class="mine"' not in html_of(client, "/")


def test_ma_commune_ignores_unknown_communes_and_foreign_redirects(client):
    response = client.post("/ma-commune/", {"commune": "paris", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert not client.cookies.get("ma_commune") or not client.cookies["ma_commune"].value


def test_an_empty_timeline_says_so(client):
    assert "Aucun article pour le moment ici" in html_of(client, "/communes/poussan/")


def test_page_size_stories_then_an_older_link(client):
    make_articles(31, communes=("sete",))
    html = html_of(client, "/communes/sete/")
    assert html.count('<article class="card') == 30
    assert "Articles plus anciens" in html and 'href="/communes/sete/?avant=' in html
