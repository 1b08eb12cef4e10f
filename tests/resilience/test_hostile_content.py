"""Hostile content at poll level: XML bombs, broken text, huge or deeply nested listing pages.

Each poll goes through the real fetch from a local server. Expected: the text is stored readable or
the feed is refused with a clear error; the poll ends within its limits; nothing crashes.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from datetime import UTC, datetime

import pytest

from articles.ingest.poll import poll_source
from articles.ingest.scrape import RecipeError, extract_items
from articles.models import Article, FetchLog, Source
from tests.builders import numbered_items, rss_from_items
from tests.resilience.servers import DATA, MB, peak_python_memory

pytestmark = pytest.mark.django_db

_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]")
ENCODING = DATA / "feedparser_encoding"


def _source(server, path: str, **fields) -> Source:
    return Source.objects.create(name=fields.pop("name", path), url=server.url(path), **fields)


def _readable(text: str) -> bool:
    return not _UNREADABLE.search(text) and unicodedata.is_normalized("NFC", text) or not _UNREADABLE.search(text)


def _clear_error(result) -> None:
    assert result.status == "error"
    assert result.error and not result.error.startswith("Erreur interne"), result.error


# --- XML bombs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/billion-laughs.xml", "/xxe.xml"])
def test_an_xml_entity_bomb_or_external_entity_is_refused_clearly_and_quickly(hostile_server, path):
    source = _source(hostile_server, path)
    started = time.monotonic()
    result, peak = peak_python_memory(lambda: poll_source(source.pk))
    _clear_error(result)
    assert "entité" in result.error
    assert time.monotonic() - started < 5 and peak < 20 * MB
    assert not Article.objects.filter(source=source).exists()
    assert FetchLog.objects.get(source=source).outcome == FetchLog.Outcome.ERROR


# --- Hostile sources at poll level: a clear recorded error, other sources keep being polled -------


@pytest.mark.parametrize("path", ["/endless.xml", "/huge.xml", "/loop", "/gzip-bomb.xml"])
def test_a_hostile_source_records_a_clear_error_and_the_next_source_is_still_polled(hostile_server, path):
    hostile_server.enable_gzip_bomb()
    hostile_server.serve("/good.xml", rss_from_items(numbered_items(3, "Gigean")))
    bad = _source(hostile_server, path)
    good = _source(hostile_server, "/good.xml")
    result = poll_source(bad.pk)
    _clear_error(result)
    bad.refresh_from_db()
    assert bad.last_error == result.error and bad.error_count == 1 and bad.next_check_at > bad.last_checked_at
    assert bad.lease_until is None
    assert FetchLog.objects.get(source=bad).error == result.error
    assert poll_source(good.pk).status == "ok"
    assert Article.objects.filter(source=good).count() == 3


# --- Broken text --------------------------------------------------------------------------------


def test_a_double_encoded_feed_is_stored_readable(hostile_server):
    hostile_server.serve("/mojibake.xml", (DATA / "realfeeds/lemonde_une_2017_feedreader_MOJIBAKE.xml").read_bytes())
    source = _source(hostile_server, "/mojibake.xml")
    assert poll_source(source.pk).status == "ok"
    titles = list(Article.objects.filter(source=source).values_list("title", flat=True))
    assert len(titles) == 18
    garbled = [title for title in titles if _MOJIBAKE.search(title)]
    assert garbled == [], f"{len(garbled)} titles stored as mojibake, e.g. {garbled[:3]}"
    repaired = (DATA / "realfeeds/lemonde_une_2017_feedreader_repaired.xml").read_text()
    assert "Poutine mis en cause" in repaired
    assert any("Piratage imputé à la Russie" in title for title in titles)


def test_an_iso_8859_1_feed_without_declaration_is_stored_readable_or_refused_clearly(hostile_server):
    hostile_server.serve(
        "/latin1.xml", (DATA / "realfeeds/cercle_psy_iso8859_no_decl.xml").read_bytes(), content_type="text/xml"
    )
    source = _source(hostile_server, "/latin1.xml")
    result = poll_source(source.pk)
    if result.status == "error":
        _clear_error(result)
        return
    titles = list(Article.objects.filter(source=source).values_list("title", flat=True))
    assert titles and all("\ufffd" not in title and not _UNREADABLE.search(title) for title in titles), titles


def _encoding_cases() -> list[tuple[str, str]]:
    rows = csv.reader((ENCODING / "INDEX.tsv").read_text().splitlines(), delimiter="\t")
    return [(row[0].split("/", 1)[1], row[3] if len(row) > 3 else "") for row in rows]


@pytest.mark.parametrize(("name", "header"), _encoding_cases(), ids=lambda v: v if v.endswith(".xml") else "")
def test_feeds_in_odd_encodings_are_stored_readable_or_refused_clearly(hostile_server, name, header):
    content_type = header.split(":", 1)[1].strip() if header.lower().startswith("content-type") else "application/xml"
    hostile_server.serve(f"/{name}", (ENCODING / name).read_bytes(), content_type=content_type)
    source = _source(hostile_server, f"/{name}")
    result = poll_source(source.pk)
    assert result.status in ("ok", "error"), result
    if result.status == "error":
        _clear_error(result)
    for title, summary in Article.objects.filter(source=source).values_list("title", "summary"):
        assert not _UNREADABLE.search(title + summary), (title, summary)


def test_control_characters_and_nul_in_a_feed_never_crash_the_poll(hostile_server):
    nasty = "Sète\x00 : le\x01 port\x1b[31m \x85rouvre\x9f \ufffe\u202e ﻿ &#0; &#x1; &#xD800;"
    items = [{"title": nasty, "link": "https://news.example/nul", "summary": f"<p>{nasty}</p>"}]
    body = rss_from_items(items).replace(b"&amp;#", b"&#")
    hostile_server.serve("/controls.xml", body)
    source = _source(hostile_server, "/controls.xml")
    result = poll_source(source.pk)
    if result.status == "error":
        _clear_error(result)
        return
    article = Article.objects.get(source=source)
    assert "port" in article.title and "rouvre" in article.title
    assert not _UNREADABLE.search(article.title + article.summary), repr(article.title)


# --- Hostile listing pages ----------------------------------------------------------------------

RECIPE = {"item": "li.story", "title": "h2", "link": "a", "summary": "p"}
FETCHED = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _big_listing(count: int) -> bytes:
    items = "".join(
        f'<li class="story"><h2>Sète {n}</h2><a href="/a/{n}">lire</a><p>Résumé {n}</p></li>' for n in range(count)
    )
    return f"<html><body><ul>{items}</ul></body></html>".encode()


def test_a_listing_page_with_100000_items_is_refused_before_it_is_parsed():
    body = _big_listing(100_000)
    assert 5 * MB < len(body) < 15 * MB  # within the fetch limit, above the listing page limit
    # CPU time of this process, not wall time: the suite shares the machine with other test processes.
    started = time.process_time()
    with pytest.raises(
        RecipeError, match=r"Page de liste trop grande pour être lue : \d+\.\d Mio \(au plus 5\.0 Mio\)"
    ):
        extract_items(body, RECIPE, "https://news.example/", FETCHED)
    assert time.process_time() - started < 1


def test_the_listing_page_limit_is_a_setting_and_a_page_under_it_is_read(hostile_server, settings):
    settings.NEWSROOM_SCRAPE_MAX_BYTES = 64 * 1024
    assert len(_big_listing(500)) < 64 * 1024 < len(_big_listing(1_000))
    assert len(extract_items(_big_listing(500), RECIPE, "https://news.example/", FETCHED)) == 500
    hostile_server.serve("/listing.html", _big_listing(1_000), content_type="text/html; charset=utf-8")
    source = _source(hostile_server, "/listing.html", kind=Source.Kind.SCRAPE, recipe=RECIPE)
    result = poll_source(source.pk)
    assert result.status == "error"
    source.refresh_from_db()
    assert "Page de liste trop grande" in source.last_error and source.error_count == 1
    assert Article.objects.filter(source=source).count() == 0


def test_a_listing_page_with_more_items_than_a_poll_may_store_stores_at_most_the_cap(hostile_server, settings):
    # 100,000 items would all be classified and stored one by one: the cap must apply to scrapes too.
    hostile_server.serve("/listing.html", _big_listing(2_000), content_type="text/html; charset=utf-8")
    source = _source(hostile_server, "/listing.html", kind=Source.Kind.SCRAPE, recipe=RECIPE)
    result = poll_source(source.pk)
    if result.status == "error":
        _clear_error(result)
    stored = Article.objects.filter(source=source).count()
    assert stored <= settings.NEWSROOM_MAX_ENTRIES, f"{stored} stories stored by one poll"


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_markup_is_read_or_refused_without_crashing(depth):
    nested = "<div>" * depth + '<li class="story"><h2>Frontignan</h2><a href="/x">x</a></li>' + "</div>" * depth
    html = f"<html><body>{nested}</body></html>"
    started = time.monotonic()
    try:
        items = extract_items(html, RECIPE, "https://news.example/", FETCHED)
    except RecursionError:
        pytest.fail("deep nesting crashed the scraper with RecursionError")
    except ValueError:
        items = []  # refused with a readable error is fine
    assert time.monotonic() - started < 30
    assert len(items) <= 1


def test_a_deeply_nested_listing_page_ends_the_poll_cleanly(hostile_server):
    nested = "<div>" * 100_000 + '<li class="story"><h2>Mèze</h2><a href="/x">x</a></li>' + "</div>" * 100_000
    hostile_server.serve("/nested.html", f"<html><body>{nested}</body></html>".encode(), content_type="text/html")
    source = _source(hostile_server, "/nested.html", kind=Source.Kind.SCRAPE, recipe=RECIPE)
    result = poll_source(source.pk)
    assert result.status in ("ok", "error")
    if result.status == "error":
        _clear_error(result)
    source.refresh_from_db()
    assert source.lease_until is None
