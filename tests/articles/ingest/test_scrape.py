"""Scrape recipes on the seed's "En ligne" listing, and scrape sources added with a recipe."""

from __future__ import annotations

from datetime import datetime

import pytest

from articles.demo import DEMO_SOURCES, render
from articles.ingest.dates import PARIS
from articles.ingest.discover import DiscoveryError, add_source
from articles.ingest.scrape import RecipeError, extract_items

RECIPE = DEMO_SOURCES[3][3]
FETCHED = datetime(2026, 3, 20, 12, 0, tzinfo=PARIS)


def test_it_extracts_the_seed_style_cards_with_their_relative_ages():
    html = render("en-ligne.html", "http://demo.example", FETCHED)
    items = extract_items(html, RECIPE, "http://demo.example/en-ligne.html", FETCHED)
    assert len(items) == 8
    first = items[0]
    assert first.title == "Balaruc-le-Vieux : le passé judiciaire d’Aurélien Évangélisti interroge sa candidature"
    assert first.url == "http://demo.example/en-ligne/balaruc-le-vieux-passe-judiciaire-candidature"
    assert first.raw_date == "1 mois"
    assert first.published == datetime(2026, 2, 20, 12, 0, tzinfo=PARIS)
    assert first.categories == ["Balaruc-le-Vieux"]
    assert items[4].published == datetime(2026, 2, 27, 12, 0, tzinfo=PARIS)  # "3 semaines"


def test_cards_without_a_headline_or_link_are_skipped_and_summaries_are_cleaned():
    html = """<div class="c"><h2>Titre <b>un</b></h2><a href="/un?utm_campaign=x">lire</a>
    <p class="s">Résumé <img src=x onerror=alert(1)><script>alert(2)</script></p>
    <time datetime="2026-03-01T09:00:00+01:00">1er mars</time><img class="i" src="/i.jpg"></div>
    <div class="c"><h2></h2><a href="/deux">lire</a></div>
    <div class="c"><h2>Sans lien</h2></div>"""
    recipe = {"item": "div.c", "title": "h2", "link": "a", "summary": "p.s", "date": "time", "image": "img.i"}
    (item,) = extract_items(html, recipe, "https://site.example/liste", FETCHED)
    assert (item.title, item.url, item.image) == ("Titre un", "https://site.example/un", "https://site.example/i.jpg")
    assert "script" not in item.summary and "onerror" not in item.summary
    assert item.published == datetime(2026, 3, 1, 9, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("recipe", "message"),
    [({"item": "li"}, "title, link"), ({"item": "li", "title": "[[", "link": "a"}, "invalide"), ([], "objet")],
)
def test_a_bad_recipe_gets_a_clear_error(recipe, message):
    with pytest.raises(RecipeError, match=message):
        extract_items("<li></li>", recipe, "https://x.example/", FETCHED)


@pytest.mark.django_db
def test_add_source_with_a_recipe_makes_a_scrape_source_without_discovery():
    source = add_source("https://liste.example/en-ligne", name="Liste", recipe=RECIPE)
    assert source.kind == "scrape" and source.feed_url == "https://liste.example/en-ligne"
    with pytest.raises(DiscoveryError, match="sélecteurs"):
        add_source("https://liste.example/autre", recipe={"item": "li"})
