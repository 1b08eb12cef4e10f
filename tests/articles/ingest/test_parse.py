"""Parsing: formats, XML attacks failing fast, discovery of a site's feed."""

from __future__ import annotations

import json
import time

import pytest

from articles.ingest.discover import DiscoveryError, add_source, discover_feed, feed_links
from articles.ingest.parse import ParseError, parse_feed
from articles.ingest.poll import poll_source
from articles.models import Article
from tests.builders import make_feed_source, simple_feed
from tests.resilience.servers import BILLION_LAUGHS

pytestmark = pytest.mark.django_db


def _quadratic() -> bytes:
    big = "A" * 100_000
    refs = "&big;" * 50_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>{refs}</title></item></channel></rss>'
    ).encode()


@pytest.mark.parametrize("body", [BILLION_LAUGHS, _quadratic()], ids=["billion-laughs", "quadratic-blowup"])
def test_entity_expansion_attacks_fail_fast_with_a_recorded_error(httpserver, body):
    httpserver.expect_request("/feed").respond_with_data(body)
    source = make_feed_source(httpserver.url_for("/feed"))
    started = time.monotonic()
    result = poll_source(source.id)
    assert time.monotonic() - started < 5
    assert result.status == "error" and "entité" in result.error
    source.refresh_from_db()
    assert "Flux refusé" in source.last_error


def test_external_entities_are_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>'
    with pytest.raises(ParseError, match="extérieur"):
        parse_feed(body, headers={}, base_url="https://x.example/", max_entries=10)


def test_atom_entries_are_read_with_relative_links_resolved():
    body = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>Atom de Thau</title><id>urn:x</id><updated>2026-03-01T10:00:00Z</updated>
    <entry><title>Mèze : le port</title><id>urn:e1</id><link href="/meze/port?utm_medium=rss"/>
    <updated>2026-03-01T10:00:00Z</updated><summary>Le port de M&#232;ze.</summary></entry></feed>""".encode()
    parsed = parse_feed(body, headers={}, base_url="https://thau.example/atom.xml", max_entries=10)
    (entry,) = parsed.entries
    assert (entry.title, entry.url, entry.guid) == ("Mèze : le port", "https://thau.example/meze/port", "urn:e1")
    assert entry.published.isoformat() == "2026-03-01T10:00:00+00:00"


def test_links_inside_entry_html_are_made_absolute_and_only_http_is_kept():
    body = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>t</title><id>urn:x</id><updated>2026-03-01T10:00:00Z</updated>
    <entry xml:base="https://frontignan.example/actus/"><title>a</title><id>urn:a</id>
    <updated>2026-03-01T10:00:00Z</updated><summary type="html">&lt;a href="muscat.html"&gt;lire&lt;/a&gt;
    &lt;a href="javascript:alert(1)"&gt;piège&lt;/a&gt;&lt;img src=x onerror=alert(1)&gt;</summary></entry>
    <entry><title>b</title><id>urn:b</id><updated>2026-03-01T10:00:00Z</updated>
    <content type="html">&lt;p&gt;&lt;a href="/gigean/fete"&gt;la fête&lt;/a&gt;&lt;/p&gt;</content>
    </entry></feed>""".encode()
    first, second = parse_feed(body, headers={}, base_url="https://thau.example/atom.xml", max_entries=10).entries
    assert 'href="https://frontignan.example/actus/muscat.html"' in first.summary  # the entry's xml:base
    assert "javascript" not in first.summary and "onerror" not in first.summary and "<img" not in first.summary
    assert 'href="https://thau.example/gigean/fete"' in second.summary  # else the feed's own URL


def test_a_json_feed_is_read():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON de Sète",
            "items": [
                {
                    "id": "j1",
                    "url": "https://sete.example/j1",
                    "title": "Sète : la criée",
                    "content_html": "<p>Criée <script>x</script></p>",
                    "date_published": "2026-03-02T08:00:00+01:00",
                }
            ],
        }
    ).encode()
    (entry,) = parse_feed(body, headers={}, base_url="https://sete.example/feed.json", max_entries=10).entries
    assert entry.title == "Sète : la criée" and "script" not in entry.summary
    assert entry.published.isoformat() == "2026-03-02T08:00:00+01:00"


def test_discovery_finds_the_alternate_link_of_a_site_page(httpserver):
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/actus/rss"></head></html>'
    httpserver.expect_request("/").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/actus/rss").respond_with_data(simple_feed(2))
    url, title = discover_feed(httpserver.url_for("/"))
    assert url == httpserver.url_for("/actus/rss") and title == "Le Petit Thau"


@pytest.mark.parametrize("path", ["/feed/", "/rss.xml", "/feed.xml"])
def test_discovery_tries_the_common_feed_paths(httpserver, path):
    httpserver.expect_request("/").respond_with_data(b"<html><head><title>Mairie</title></head></html>")
    httpserver.expect_request(path).respond_with_data(simple_feed(1))
    assert discover_feed(httpserver.url_for("/"))[0] == httpserver.url_for(path)


def test_discovery_tries_the_joomla_feed_query(httpserver):
    # The query-string handler goes first: a handler without one would answer every query.
    httpserver.expect_request("/", query_string="format=feed&type=rss").respond_with_data(simple_feed(1))
    httpserver.expect_request("/").respond_with_data(b"<html><head><title>Mairie</title></head></html>")
    assert "format=feed" in discover_feed(httpserver.url_for("/"))[0]


def test_a_site_without_a_feed_gives_a_readable_error(httpserver):
    httpserver.expect_request("/").respond_with_data(b"<html><head><title>Rien</title></head></html>")
    with pytest.raises(DiscoveryError, match="Aucun flux"):
        discover_feed(httpserver.url_for("/"))


def test_add_source_stores_the_discovered_feed_and_polls_it(httpserver):
    page = b'<html><head><link rel="alternate" type="application/atom+xml" href="/atom"></head></html>'
    httpserver.expect_request("/").respond_with_data(page)
    httpserver.expect_request("/atom").respond_with_data(simple_feed(3))
    source = add_source(httpserver.url_for("/"))
    assert source.feed_url == httpserver.url_for("/atom") and source.name == "Le Petit Thau"
    assert poll_source(source.id).new == 3
    assert Article.objects.filter(source=source).count() == 3


def test_feed_links_ignore_non_feed_alternates():
    html = '<link rel="alternate" hreflang="en" href="/en/"><link rel="alternate" type="application/rss+xml" href="r">'
    assert feed_links(html, "https://x.example/a/") == ["https://x.example/a/r"]
