"""The election pages: a hub per commune, every election, one election's area, one candidate."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.builders import make_article
from tests.elections.builders import import_lists, import_results

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"


@pytest.fixture
def election():
    """Sète and Frontignan's lists and first round (Frontignan goes to a second round)."""
    import_lists()
    import_results()


def test_the_hub_shows_lists_results_chart_and_the_election_timeline(client, election, django_assert_num_queries):
    make_article("Marie Dupont-Rey présente sa liste", communes=["sete"], sections=["elections"])
    make_article("Les joutes à Sète", communes=["sete"], sections=["sports"])

    # Lists with their election, results, list results; the timeline's stories with those « À la une »
    # (one query), their communes and sections (one query); and the site's communes and sections (cold cache).
    with django_assert_num_queries(7):
        response = client.get(reverse("elections:hub", args=["sete"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Élections à Sète</h1>" in html
    assert "Municipales de test" in html and "Divers centre" in html
    assert 'href="/candidats/marie-dupont-rey/"' in html
    assert f"Participation : <strong>100,00{NNBSP}%</strong>" in html
    assert f"1{NNBSP}000 inscrits" in html
    assert '<svg role="img"' in html
    assert '<desc id="graphique-1-desc">Vague bleue : 600 voix (61,86' in html
    assert "Élue : <strong>Vague bleue</strong> (Marie Dupont-Rey)." in html
    assert "Marie Dupont-Rey présente sa liste" in html and "joutes" not in html
    hub = html.split('class="election-hub"')[1].split("Les articles</h2>")[0]
    assert "style=" not in hub and "<script" not in hub  # the site's CSP: no inline style or script


def test_the_hub_says_second_round_and_which_lists_may_stay(client, election):
    html = client.get(reverse("elections:hub", args=["frontignan"])).content.decode()

    assert "<strong>Second tour</strong>" in html
    assert "Peuvent se maintenir : Frontignan d&#x27;abord, Frontignan vert, Frontignan autrement." in html
    assert "fusionner" not in html
    assert '<th scope="col">Sièges</th>' not in html  # no seats are given out before the last round


def test_a_commune_without_an_election_keeps_its_plain_elections_timeline(client, election):
    response = client.get(reverse("elections:hub", args=["bouzigues"]))

    assert response.status_code == 200
    assert "<h1>Élections à Bouzigues</h1>" in response.content.decode()
    assert 'class="election-hub"' not in response.content.decode()


def test_an_unknown_commune_hub_is_404(client):
    assert client.get("/communes/nulle-part/elections/").status_code == 404


@time_machine.travel(date(2026, 3, 1), tick=False)
def test_the_elections_page_lists_every_election_and_counts_down_to_the_next_round(
    client, election, django_assert_num_queries
):
    day = date(2027, 4, 18)
    import_results("presidentielle.csv", slug="presidentielle-test", title="Présidentielle de test", day=day)

    with django_assert_num_queries(2 + 2):  # elections, rounds; communes and sections (cold cache)
        response = client.get(reverse("elections:index"))

    html = response.content.decode()
    assert "Municipales de test" in html and "Présidentielle de test" in html
    assert "Dans <strong>14 jours</strong>" in html and "dimanche 15 mars 2026" in html


def test_the_area_page_shows_turnout_and_leading_list_per_commune(client, election, django_assert_num_queries):
    with django_assert_num_queries(4 + 2):  # election, rounds, results, lists; communes, sections
        response = client.get(reverse("elections:area", args=["municipales-test"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/communes/sete/elections/">Sète</a>' in html
    assert f"<td>100,00{NNBSP}%</td>" in html  # Sète's turnout
    assert f"700 (45,16{NNBSP}%)" in html  # Frontignan's leading list, recomputed, not the published 46,16
    assert client.get(reverse("elections:area", args=["inconnue"])).status_code == 404


def test_the_candidate_page_shows_lists_results_and_articles_naming_them(client, election, django_assert_num_queries):
    make_article("Marie Dupont-Rey présente sa liste", communes=["sete"], sections=["elections"])
    make_article("Le programme de Dupont-Rey pour le port", communes=["sete"], sections=["elections"])
    make_article("Jean-Luc Bousquet répond", communes=["sete"], sections=["elections"])

    # Person, candidacies, their results; articles, their communes, sections; the site's communes and
    # sections (cold cache).
    with django_assert_num_queries(6 + 2):
        response = client.get(reverse("elections:person", args=["marie-dupont-rey"]))

    html = response.content.decode()
    assert "<h1>Marie Dupont-Rey</h1>" in html
    assert f"Premier tour : 600 voix, 61,86{NNBSP}% des suffrages exprimés, 27 sièges." in html
    assert "Le programme de Dupont-Rey pour le port" in html and "Bousquet répond" not in html
    assert 'type="application/rss+xml"' in html
    assert client.get(reverse("elections:person", args=["personne"])).status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_candidate_feeds_carry_the_articles_naming_them(client, election, kind):
    make_article("Marie Dupont-Rey présente sa liste", communes=["sete"], sections=["elections"])
    make_article("Jean-Luc Bousquet répond", communes=["sete"], sections=["elections"])

    response = client.get(reverse(f"elections:person-{kind}", args=["marie-dupont-rey"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml" if kind == "rss" else "application/atom+xml")
    body = response.content.decode()
    assert "Marie Dupont-Rey présente sa liste" in body and "Bousquet" not in body
