"""The sources desk: health columns, broken sources first, fetch logs, adding by URL, recipe tests."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, FetchLog, Source
from tests.builders import days_ago, make_article, make_source
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db
LIST = "/admin/articles/source/"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Thau Hebdo</title><link>{base}/</link>
<item><title>Gigean : la fête du village</title><link>{base}/fete</link><guid>fete</guid></item>
</channel></rss>"""
HOME = """<!doctype html><html><head><title>Thau Hebdo</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Accueil</body></html>"""
LISTING = """<!doctype html><html><body>
<article class="card"><h2><a href="/a/1">Sète : la criée rouvre</a></h2>
  <time datetime="2026-03-03T08:00:00+01:00">3 mars</time></article>
<article class="card"><h2><a href="/a/2">Mèze : marché nocturne</a></h2></article>
<article class="card"><p>Publicité</p></article>
</body></html>"""
RECIPE = {"item": "article.card", "title": "h2", "link": "h2 a", "date": "time"}


def sources_in_list(client, query: str = "") -> list[Source]:
    return list(client.get(LIST + query).context["cl"].result_list)


def test_health_columns_are_shown(editor_client):
    source = make_source(name="Hérault Tribune", error_count=3, last_success_at=days_ago(2))
    make_article(source=source, published=days_ago(1))
    make_article(source=source, published=days_ago(2))
    make_article(source=source, published=days_ago(30))
    html = editor_client.get(LIST).content.decode()
    for header in ("dernier succès", "erreurs consécutives", "prochain relevé", "articles (7 jours)", "à surveiller"):
        assert header in html.lower(), header
    listed = sources_in_list(editor_client)
    assert [(s.name, s.recent_count) for s in listed] == [("Hérault Tribune", 2)]
    assert "en échec (3)" in html


def test_broken_sources_come_first(editor_client):
    make_source(name="A sain")
    make_source(name="B en échec", error_count=2)
    make_source(name="C à surveiller", needs_attention=True, error_count=5)
    assert [s.name for s in sources_in_list(editor_client)] == ["C à surveiller", "B en échec", "A sain"]
    # Any column can be sorted too, e.g. by errors, most first (column 6 = "erreurs consécutives").
    assert [s.name for s in sources_in_list(editor_client, "?o=-6.1")][0] == "C à surveiller"


def test_the_source_list_does_not_query_per_source(editor_client, django_assert_max_num_queries):
    for n in range(15):
        source = make_source()
        make_article(source=source, published=days_ago(n % 10))
    editor_client.get(LIST)
    with django_assert_max_num_queries(9):
        editor_client.get(LIST)


def test_the_last_fetch_logs_appear_inline(editor_client):
    source = make_source()
    now = timezone.now()
    for n in range(12):
        FetchLog.objects.create(
            source=source, started=now - timedelta(hours=n), outcome="error" if n == 0 else "ok", error=f"erreur {n}"
        )
    response = editor_client.get(f"{LIST}{source.pk}/change/")
    html = response.content.decode()
    assert "derniers relevés" in html.lower()
    assert "erreur 0" in html and "erreur 9" in html
    assert "erreur 10" not in html  # only the latest ten


def test_disable_and_enable_a_source(editor_client, editor):
    source = make_source(error_count=4)
    editor_client.post(LIST, {"action": "disable", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert not source.enabled and "alice" in source.disabled_reason
    editor_client.post(LIST, {"action": "enable", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert source.enabled and source.error_count == 0 and source.disabled_reason == ""


def test_add_a_source_by_site_url_runs_discovery(editor_client, httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/").respond_with_data(HOME, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/rss.xml").respond_with_data(FEED.format(base=base), content_type="application/rss+xml")
    response = editor_client.post(f"{LIST}add/", {"url": base + "/"}, follow=True)
    source = Source.objects.get()
    assert (source.name, source.feed_url, source.kind) == ("Thau Hebdo", base + "/rss.xml", "feed")
    assert "Source « Thau Hebdo » ajoutée" in response.content.decode()


def test_add_a_source_by_feed_url(editor_client, httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss.xml").respond_with_data(FEED.format(base=base), content_type="application/rss+xml")
    editor_client.post(f"{LIST}add/", {"url": base + "/rss.xml", "name": "Mon nom"})
    assert Source.objects.get().name == "Mon nom"


def test_a_site_without_feed_gives_a_clear_error_and_keeps_the_form(editor_client, httpserver):
    httpserver.expect_request("/").respond_with_data("<html><body>Rien</body></html>", content_type="text/html")
    url = httpserver.url_for("/")
    response = editor_client.post(f"{LIST}add/", {"url": url})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Impossible d’ajouter cette source" in html and "Aucun flux trouvé" in html
    assert url in html  # the form keeps what was typed
    assert not Source.objects.exists()


def test_a_bad_recipe_when_adding_is_refused(editor_client):
    response = editor_client.post(f"{LIST}add/", {"url": "https://x.example/", "recipe": '{"item": ".card"'})
    assert "Ce n’est pas du JSON valide" in response.content.decode()
    response = editor_client.post(f"{LIST}add/", {"url": "https://x.example/", "recipe": '{"item": ".card"}'})
    assert "title, link" in response.content.decode()
    assert not Source.objects.exists()


def test_testing_a_recipe_shows_the_items_and_saves_nothing(editor_client, httpserver):
    httpserver.expect_request("/actus").respond_with_data(LISTING, content_type="text/html; charset=utf-8")
    source = make_source(
        kind="scrape", url=httpserver.url_for("/actus"), recipe={"item": "li", "title": "a", "link": "a"}
    )
    page = editor_client.get(f"{LIST}{source.pk}/change/").content.decode()
    assert f"{LIST}{source.pk}/tester-la-recette/" in page
    response = editor_client.post(
        f"{LIST}{source.pk}/tester-la-recette/", {"url": source.url, "recipe": json.dumps(RECIPE)}
    )
    html = response.content.decode()
    assert "2 élément(s) extrait(s)" in html
    assert "Sète : la criée rouvre" in html and httpserver.url_for("/a/2") in html
    assert "3 mars 2026" in html
    source.refresh_from_db()
    assert source.recipe == {"item": "li", "title": "a", "link": "a"}
    assert not Article.objects.exists()


def test_testing_a_recipe_on_an_unreachable_page_says_why(editor_client, httpserver):
    httpserver.expect_request("/gone").respond_with_data("absent", status=404)
    source = make_source(kind="scrape", recipe=RECIPE)
    response = editor_client.post(
        f"{LIST}{source.pk}/tester-la-recette/", {"url": httpserver.url_for("/gone"), "recipe": json.dumps(RECIPE)}
    )
    assert "Échec de l’extraction : Impossible de lire la page" in response.content.decode()


def test_testing_a_recipe_with_a_broken_selector_says_which(editor_client):
    source = make_source(kind="scrape", recipe=RECIPE)
    broken = {**RECIPE, "title": "h2[["}
    response = editor_client.post(
        f"{LIST}{source.pk}/tester-la-recette/", {"url": "https://x.example/", "recipe": json.dumps(broken)}
    )
    assert "Sélecteur « title » invalide" in response.content.decode()


def test_an_editor_saves_a_source_form_with_its_logs_shown(editor_client):
    source = make_source(name="Ancien nom")
    for n in range(12):
        FetchLog.objects.create(source=source, started=days_ago(n), outcome="ok")
    html = editor_client.get(f"{LIST}{source.pk}/change/").content.decode()
    data = rendered_form_data(html, "source_form")
    data["name"] = ["Nouveau nom"]
    response = editor_client.post(f"{LIST}{source.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    source.refresh_from_db()
    assert source.name == "Nouveau nom"
    assert FetchLog.objects.filter(source=source).count() == 12  # the logs shown are not touched
