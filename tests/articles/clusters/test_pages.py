"""Readers see one card per event: "Aussi chez …" under it, an event page with every version, and
pages that cost the same number of queries however many events and versions they show."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from articles import timelines
from articles.demo import ensure_demo_sources, serve_demo
from articles.ingest.poll import poll_source
from articles.models import Article
from tests.articles.timelines.test_query_counts import MAP_AND_SPARKLINE_QUERIES, TIMELINE_QUERIES
from tests.builders import make_article, make_cluster, make_source

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def tell_three_times(title: str = "Sète : la criée inaugure sa nouvelle salle des ventes", **fields) -> list[Article]:
    """One event told by Le Singulier first, then Thau Infos and Midi Libre."""
    first = fields.pop("published", None) or datetime(2026, 11, 28, 9, 0, tzinfo=PARIS)
    tags = {"communes": ("sete",), "sections": ("economie",)}
    versions = [
        make_article(title, published=first, summary="<p>Version du Singulier.</p>", **tags, **fields),
        make_article(
            title + " (Thau Infos)",
            source=make_source("Thau Infos"),
            published=first + timedelta(minutes=30),
            summary="<p>Version de Thau Infos.</p>",
            **tags,
        ),
        make_article(
            title + " (Midi Libre)",
            source=make_source("Midi Libre"),
            published=first + timedelta(hours=2),
            summary="<p>Version de Midi Libre.</p>",
            **tags,
        ),
    ]
    make_cluster(*versions)
    return versions


def test_an_event_is_one_card_with_its_other_versions_below(client):
    lead, thau, midi = tell_three_times()
    alone = make_article("Sète : un article sans autre version", communes=("sete",))
    html = client.get("/communes/sete/").content.decode()
    assert html.count("la criée inaugure sa nouvelle salle des ventes</a>") == 1
    assert "(Thau Infos)" not in html and "(Midi Libre)" not in html
    assert (
        f'Aussi chez <a href="/articles/{thau.pk}/">Thau Infos</a>, <a href="/articles/{midi.pk}/">Midi Libre</a>'
        in html
    )
    assert f'href="/evenements/{lead.cluster_id}/">Voir l’événement (3 sources)</a>' in html
    assert html.count("Aussi chez") == 1  # not under the story told once
    assert alone.title in html


def test_a_hidden_version_is_not_listed_under_the_card(client):
    lead, thau, midi = tell_three_times()
    Article.objects.filter(pk=midi.pk).update(status=Article.Status.HIDDEN)
    html = client.get("/").content.decode()
    assert f'Aussi chez <a href="/articles/{thau.pk}/">Thau Infos</a> · ' in html
    assert "Voir l’événement (2 sources)" in html


def test_the_event_page_shows_every_version_with_source_time_and_summary(client):
    lead, thau, midi = tell_three_times()
    response = client.get(f"/evenements/{lead.cluster_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Sète : la criée inaugure sa nouvelle salle des ventes</h1>" in html
    assert "Un événement raconté par 3 sources</p>" in html
    positions = [html.index(f'href="/articles/{version.pk}/"') for version in (lead, thau, midi)]
    assert positions == sorted(positions)  # oldest first
    for name in ("Le Singulier", "Thau Infos", "Midi Libre"):
        assert f'<span class="source">{name}</span>' in html
        assert f"Version {'du Singulier' if name == 'Le Singulier' else 'de ' + name}.</p>" in html
    assert '<time datetime="2026-11-28T09:30:00+01:00">samedi 28 novembre 2026 à 9 h 30</time>' in html
    assert html.count("Version principale") == 1
    assert '<a class="badge" href="/communes/sete/">Sète</a>' in html
    assert f'href="{thau.url}" rel="noopener noreferrer external">Lire sur Thau Infos' in html


def test_the_event_page_of_an_unknown_or_hidden_event_is_404(client):
    lead, *others = tell_three_times()
    assert client.get("/evenements/999999/").status_code == 404
    Article.objects.filter(cluster_id=lead.cluster_id).update(status=Article.Status.HIDDEN)
    assert client.get(f"/evenements/{lead.cluster_id}/").status_code == 404


def test_the_event_page_costs_three_queries(client, django_assert_num_queries):
    lead, *others = tell_three_times()
    client.get("/")  # warms the directory
    with django_assert_num_queries(3):  # versions, the lead's communes, its sections
        assert client.get(f"/evenements/{lead.cluster_id}/").status_code == 200


def test_search_results_link_a_version_to_its_event(client):
    lead, thau, midi = tell_three_times()
    html = client.get("/recherche/?q=Thau+Infos").content.decode()
    assert f'href="/evenements/{lead.cluster_id}/">Toutes les versions de cet événement</a>' in html


def _fill_events(count: int) -> None:
    start = datetime(2026, 11, 28, 20, 0, tzinfo=PARIS)
    for number in range(count):
        tell_three_times(f"Sète : événement numéro {number}", published=start - timedelta(hours=3 * number))


# One more query than without events: the other versions of every card, with their sources.
@pytest.mark.parametrize("url", ["/", "/communes/sete/", "/rubriques/economie/", "/communes/sete/economie/"])
@pytest.mark.parametrize("count", [2, 35])
def test_a_timeline_of_events_costs_the_same_queries_for_few_or_many(client, django_assert_num_queries, url, count):
    _fill_events(count)
    make_article("Sète : à la une", communes=("sete",), sections=("economie",), status=Article.Status.FEATURED)
    with django_assert_num_queries(TIMELINE_QUERIES + MAP_AND_SPARKLINE_QUERIES.get(url, 0) + 1):
        html = client.get(url).content.decode()
    assert html.count("Aussi chez") == min(count, timelines.PAGE_SIZE - 1)  # the featured story is a row too


def test_older_pages_of_events_keep_the_keyset_and_show_each_event_once(client):
    _fill_events(35)
    first = client.get("/communes/sete/").content.decode()
    older = first.split('href="/communes/sete/?avant=')[1].split('"')[0]
    second = client.get(f"/communes/sete/?avant={older}").content.decode()
    titles = [f"événement numéro {n}<" for n in range(35)]
    assert [t for t in titles if t in first] == titles[:30]
    assert [t for t in titles if t in second] == titles[30:]
    assert second.count("Aussi chez") == 5


def test_the_demo_shows_the_joutes_told_by_two_outlets_as_one_card(client):
    server = serve_demo(port=0)
    try:
        for source in ensure_demo_sources(server.base_url):
            assert poll_source(source.pk).status == "ok"
    finally:
        server.shutdown()
    joutes = Article.objects.filter(title__contains="joutes de la Saint-Louis")
    assert joutes.count() == 2 and len({a.cluster_id for a in joutes}) == 1
    html = client.get("/communes/sete/").content.decode()
    assert html.count("joutes de la Saint-Louis est dévoilé</a>") == 1  # Le Petit Journal's, the first
    assert "dévoilent leur programme</a>" not in html
    assert "Aussi chez <a" in html and "Sète en direct (démo)</a>" in html
