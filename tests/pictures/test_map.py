"""The commune map: built once from the official outlines, drawn as an SVG of named links."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article
from localities import map as commune_map
from localities.models import Commune
from tests.builders import make_article
from tests.pictures.pages import document, map_links

pytestmark = pytest.mark.django_db

# The official outlines are in the third-party corpora, outside the repository (NEWSROOM_CORPORA).
GEOJSON = Path(os.environ.get("NEWSROOM_CORPORA") or "/nonexistent") / "communes/raw/communes-34-herault.geojson"


def test_the_shipped_map_has_one_closed_shape_per_commune_and_a_credit():
    drawn = commune_map.load()
    assert {c["slug"] for c in drawn["communes"]} == set(Commune.objects.values_list("slug", flat=True))
    for shape in drawn["communes"]:
        assert shape["d"].startswith("M") and shape["d"].endswith("Z")
        assert 0 <= shape["x"] <= drawn["width"] and 0 <= shape["y"] <= drawn["height"]
    assert drawn["lagoon"] and drawn["land"]
    assert "IGN" in drawn["credit"] and "Licence Ouverte" in drawn["credit"]
    assert commune_map.MAP_FILE.stat().st_size < 40_000  # small enough to inline in a page


@pytest.mark.skipif(not GEOJSON.exists(), reason="NEWSROOM_CORPORA does not hold the outlines")
def test_building_again_from_the_outlines_gives_the_shipped_file():
    assert commune_map.build(GEOJSON) == commune_map.load()


def test_simplify_keeps_the_ends_and_drops_points_on_a_line():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]
    assert commune_map.simplify(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (3.0, 5.0), (4.0, 0.0)]


def test_each_commune_is_a_named_link_to_its_page_shaded_by_its_week(client):
    make_article(communes=("sete",))
    make_article(communes=("sete",))
    make_article(communes=("sete",), published=Article.objects.first().published - timedelta(days=8))
    make_article(communes=("meze",), status=Article.Status.HIDDEN)
    links = map_links(document(client.get(reverse("home"))))

    assert len(links) == Commune.objects.count() == 14
    by_href = {link.get("href"): link for link in links}
    sete = by_href[reverse("commune", args=["sete"])]
    assert sete.get("aria-label") == "Sète : 2 articles en 7 jours"
    assert by_href[reverse("commune", args=["meze"])].get("aria-label") == "Mèze : aucun article en 7 jours"
    fills = {link.get("href"): link.xpath("./path")[0].get("fill") for link in links}
    assert fills[reverse("commune", args=["sete"])] != fills[reverse("commune", args=["meze"])]
    assert all(link.get("aria-label") for link in links)


def test_the_map_has_a_legend_a_plain_list_of_links_and_no_script(client):
    doc = document(client.get(reverse("home")))
    section = doc.xpath('//section[contains(@class, "commune-map")]')[0]
    legend = section.xpath('.//ul[@class="map-legend"]/li')
    assert len(legend) == 5 and legend[0].text_content().strip() == "aucun article"
    listed = section.xpath('.//ul[@class="map-list"]//a/@href')
    assert sorted(listed) == sorted(link.get("href") for link in map_links(doc))
    assert not section.xpath(".//script") and not section.xpath(".//*[@style]")
    assert section.xpath('.//svg[@class="map"]')[0].get("role") == "group"


def test_a_commune_page_shows_a_locator_marking_the_commune_as_current(client):
    doc = document(client.get(reverse("commune", args=["frontignan"])))
    current = [link for link in map_links(doc) if link.get("aria-current") == "page"]
    assert [link.get("href") for link in current] == [reverse("commune", args=["frontignan"])]


def test_older_pages_and_section_timelines_carry_no_map(client):
    doc = document(client.get(reverse("section", args=["elections"])))
    assert not doc.xpath('//section[contains(@class, "commune-map")]')
