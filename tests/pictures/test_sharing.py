"""Open Graph, Twitter card and JSON-LD, read back with an HTML parser and json.loads; the sitemap as XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from pictures.thumbnails import make_thumbnail
from tests.builders import make_article, make_source
from tests.pictures.builders import jpeg
from tests.pictures.pages import document

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _meta(doc) -> dict[str, str]:
    found = {}
    for tag in doc.xpath("//head/meta[@property or @name]"):
        found[tag.get("property") or tag.get("name")] = tag.get("content")
    return found


def _json_ld(doc) -> list[dict]:
    return [json.loads(script.text) for script in doc.xpath('//script[@type="application/ld+json"]')]


def test_an_article_page_is_an_og_article_with_our_thumbnail_and_a_news_article(client, httpserver, media, settings):
    httpserver.expect_request("/photo.jpg").respond_with_data(jpeg(1200, 800), content_type="image/jpeg")
    outlet = make_source("Midi Libre", url="https://www.midilibre.fr/")
    article = make_article(
        "Sète : les joutes </script><script>alert(1)</script>",
        source=outlet,
        url="https://www.midilibre.fr/2026/12/03/joutes",
        summary="<p>Le tournoi de la Saint-Louis revient sur le canal royal.</p>",
        image=httpserver.url_for("/photo.jpg"),
    )
    thumb = make_thumbnail(article.pk)

    doc = document(client.get(article.get_absolute_url()))
    meta = _meta(doc)

    page_url = f"{settings.NEWSROOM_SITE_URL}{article.get_absolute_url()}"
    assert meta["og:type"] == "article"
    assert meta["og:title"] == article.title
    assert meta["og:description"] == "Le tournoi de la Saint-Louis revient sur le canal royal."
    assert meta["og:url"] == page_url == doc.xpath('//link[@rel="canonical"]/@href')[0]
    assert meta["og:image"] == f"{settings.NEWSROOM_SITE_URL}{thumb.url('page', 'jpg')}" == meta["twitter:image"]
    assert meta["twitter:card"] == "summary_large_image"
    [data] = _json_ld(doc)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title  # a "</script>" in a title stays data
    assert data["url"] == article.url
    assert data["publisher"] == {"@type": "Organization", "name": "Midi Libre", "url": "https://www.midilibre.fr/"}
    assert data["image"] == [meta["og:image"]]
    assert len(doc.xpath("//script")) == 1  # the title did not open a script of its own


def test_every_page_has_open_graph_and_twitter_tags(client):
    for url in (reverse("home"), reverse("sources"), reverse("accessibility"), reverse("search") + "?q=port"):
        meta = _meta(document(client.get(url)))
        assert meta["og:type"] == "website", url
        assert meta["og:title"] and meta["og:image"].startswith("http") and meta["twitter:card"] == "summary"


def test_a_timeline_is_a_collection_page_listing_its_articles(client, settings):
    first = make_article("Frontignan : le marché", communes=("frontignan",))
    second = make_article("Frontignan : la plage", communes=("frontignan",))
    doc = document(client.get(reverse("commune", args=["frontignan"])))
    [data] = _json_ld(doc)
    assert data["@type"] == "CollectionPage" and data["name"] == "Frontignan"
    items = data["mainEntity"]["itemListElement"]
    assert [item["position"] for item in items] == [1, 2]
    assert [item["url"] for item in items] == [
        f"{settings.NEWSROOM_SITE_URL}{a.get_absolute_url()}" for a in (first, second)
    ]


def test_the_sitemap_lists_pages_timelines_and_articles(client):
    article = make_article(communes=("sete",))
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    locations = [node.text for node in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)]
    paths = {loc.split("testserver", 1)[1] for loc in locations}
    assert {reverse("home"), reverse("sources"), reverse("accessibility")} <= paths
    assert reverse("commune", args=["sete"]) in paths and reverse("section", args=["elections"]) in paths
    assert article.get_absolute_url() in paths


def test_robots_txt_points_to_the_sitemap(client, settings):
    lines = client.get(reverse("robots")).content.decode().splitlines()
    assert f"Sitemap: {settings.NEWSROOM_SITE_URL}{reverse('sitemap')}" in lines
