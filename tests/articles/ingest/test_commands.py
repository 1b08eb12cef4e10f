"""The editors' commands: sources add/list, poll, import_opml/export_opml round trip."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.demo import OPML
from articles.ingest.opml import export_opml, import_opml, read_outlines
from articles.models import Article, Source
from tests.builders import simple_feed

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sources_add_discovers_the_feed_and_sets_the_default_commune(httpserver):
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    httpserver.expect_request("/").respond_with_data(page)
    httpserver.expect_request("/rss").respond_with_data(simple_feed(1))
    output = _run("sources", "add", httpserver.url_for("/"), "--commune", "frontignan", "--section", "culture")
    source = Source.objects.get()
    assert source.feed_url == httpserver.url_for("/rss")
    assert (source.default_commune.slug, source.default_section.slug) == ("frontignan", "culture")
    assert f"#{source.pk}" in output


def test_sources_add_with_a_recipe_and_sources_list_show_health(httpserver):
    recipe = json.dumps({"item": "li", "title": "a", "link": "a"})
    _run("sources", "add", "https://liste.example/", "--name", "Liste", "--scrape", recipe)
    Source.objects.update(error_count=3, last_error="Le serveur a répondu HTTP 500.", last_status=500)
    table = _run("sources", "list")
    assert "Liste" in table and "en erreur" in table and "HTTP 500" in table


def test_sources_add_reports_a_site_without_feed_clearly(httpserver):
    httpserver.expect_request("/").respond_with_data(b"<html></html>")
    with pytest.raises(CommandError, match="Aucun flux"):
        _run("sources", "add", httpserver.url_for("/"))
    with pytest.raises(CommandError, match="commune inconnue"):
        _run("sources", "add", httpserver.url_for("/"), "--commune", "paris")


def test_poll_prints_one_line_per_source(httpserver):
    httpserver.expect_request("/a").respond_with_data(simple_feed(2))
    httpserver.expect_request("/b").respond_with_data("boom", status=500)
    a = Source.objects.create(name="A", url=httpserver.url_for("/a"), feed_url=httpserver.url_for("/a"))
    b = Source.objects.create(name="B", url=httpserver.url_for("/b"), feed_url=httpserver.url_for("/b"))
    lines = _run("poll", "--all").splitlines()
    assert lines[0] == f"#{a.pk} ok new=2 updated=0 unchanged=0"
    assert lines[1].startswith(f"#{b.pk} error new=0") and "HTTP 500" in lines[1]
    assert _run("poll", str(a.pk)).strip() == f"#{a.pk} skipped new=0 updated=0 unchanged=0"
    assert _run("poll", str(a.pk), "--force").startswith(f"#{a.pk} not_modified")
    assert Article.objects.count() == 2


def test_opml_round_trips_recipes_and_defaults(httpserver):
    from localities.models import Commune

    feed = Source.objects.create(
        name="Flux",
        url="https://a.example/",
        feed_url="https://a.example/rss",
        default_commune=Commune.objects.get(slug="sete"),
    )
    recipe = {"item": "li.carte", "title": "a", "link": "a", "date": ".age"}
    Source.objects.create(
        name="Liste", url="https://b.example/liste", feed_url="https://b.example/liste", kind="scrape", recipe=recipe
    )
    data = export_opml(Source.objects.order_by("id"))
    Source.objects.all().delete()

    report = import_opml(data)
    assert not report.failed and len(report.added) == 2
    again = Source.objects.get(name="Flux")
    assert (again.feed_url, again.default_commune.slug) == (feed.feed_url, "sete")
    scrape = Source.objects.get(name="Liste")
    assert (scrape.kind, scrape.recipe) == ("scrape", recipe)
    assert export_opml(Source.objects.order_by("id")) == data
    assert import_opml(data).skipped == ["https://a.example/rss", "https://b.example/liste"]


def test_the_shipped_opml_lists_real_local_outlets_by_site_url():
    outlines = read_outlines(OPML.read_bytes())
    urls = {outline["htmlUrl"] for outline in outlines}
    assert "https://lesinguliersete.fr/" in urls
    assert any("midilibre.fr" in url for url in urls) and len(urls) >= 8
    assert all(url.startswith("https://") for url in urls)


def test_import_export_commands(tmp_path, httpserver):
    path = tmp_path / "sources.opml"
    Source.objects.create(name="Flux", url="https://a.example/", feed_url="https://a.example/rss")
    _run("export_opml", "-o", str(path))
    Source.objects.all().delete()
    assert "1 ajoutée(s)" in _run("import_opml", str(path))
    with pytest.raises(CommandError, match="OPML illisible"):
        (tmp_path / "bad.opml").write_text("<opml><body>")
        _run("import_opml", str(tmp_path / "bad.opml"))
