"""An editor, in real Chromium, tags a story with Gigean; the tag survives a re-poll and a reclassification."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.admin.roles import EDITORS
from articles.ingest.poll import poll_source
from articles.models import Article, Source
from articles.models.tags import Origin
from localities.models import Commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Petit Journal du bassin</title><link>{base}/</link>
<item><title>Un concours de pétanque ce week-end</title><link>{base}/petanque</link><guid>petanque</guid>
<description>{summary}</description></item>
</channel></rss>"""
TITLE = "Un concours de pétanque ce week-end"


def serve_feed(httpserver, summary: str) -> None:
    httpserver.clear()
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/rss.xml").respond_with_data(
        FEED.format(base=base, summary=summary), content_type="application/rss+xml"
    )


def log_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_an_editor_tags_a_story_with_gigean_and_it_sticks(page, httpserver):
    serve_feed(httpserver, "Inscriptions sur place, doublettes formées.")
    source = Source.objects.create(
        name="Le Petit Journal", url=httpserver.url_for("/"), feed_url=httpserver.url_for("/rss.xml")
    )
    assert poll_source(source.pk, force=True).status == "ok"
    story = Article.objects.get(title=TITLE)
    assert not story.communes.exists(), "the story must start untagged"
    editor = User.objects.create_user("alice", password="motdepasse-alice", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))

    # 1. Log in as an editor; 2. tag the untagged story with Gigean through the autocomplete widget.
    log_in(page, "alice", "motdepasse-alice")
    page.goto("/admin/articles/article/?commune=aucune")
    page.get_by_role("link", name=TITLE).click()
    group = page.locator("#articlecommune_set-group")
    group.locator(".add-row a").click()
    group.locator(".select2-selection").last.click()
    page.locator(".select2-dropdown .select2-search__field").fill("Gig")
    page.locator(".select2-results__option", has_text="Gigean").click()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("modifié avec succès")
    tag = story.articlecommune_set.get()
    assert (tag.commune.slug, tag.origin, tag.editor) == ("gigean", Origin.EDITOR, editor)

    # 3. The story is on Gigean's page and in its feed.
    page.goto("/communes/gigean/")
    expect(page.get_by_text(TITLE).first).to_be_visible()
    assert TITLE in page.request.get("/communes/gigean/rss/").text()

    # 4. Re-poll the source (its text changed upstream) and reclassify from the list.
    serve_feed(httpserver, "Inscriptions sur place à Frontignan, doublettes formées.")
    assert poll_source(source.pk, force=True).status == "ok"
    page.goto("/admin/articles/article/?commune=gigean")
    page.locator(f"input.action-select[value='{story.pk}']").check()
    page.select_option("select[name=action]", "reclassify")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 article(s) reclassé(s).")

    # 5. The editor's tag is still there, with its provenance, on the page and in the feed.
    story.refresh_from_db()
    tag = story.articlecommune_set.get(commune__slug="gigean")
    assert (tag.origin, tag.editor) == (Origin.EDITOR, editor)
    page.goto(f"/admin/articles/article/{story.pk}/change/")
    expect(page.locator("#articlecommune_set-group")).to_contain_text("éditeur : alice")
    page.goto("/communes/gigean/")
    expect(page.get_by_text(TITLE).first).to_be_visible()
    assert TITLE in page.request.get("/communes/gigean/rss/").text()
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_the_review_queue_confirms_in_one_click(page):
    source = Source.objects.create(name="Hérault Tribune", url="https://tribune.example/")
    story = Article.objects.create(
        source=source, guid="1", url="https://tribune.example/1", title="Mèze : le port en fête", needs_review=True
    )
    story.articlecommune_set.create(commune=Commune.objects.get(slug="meze"), rule="préfixe du titre", phrase="Mèze :")
    editor = User.objects.create_user("alice", password="motdepasse-alice", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))

    log_in(page, "alice", "motdepasse-alice")
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="File à vérifier").click()
    row = page.locator(f"tr[data-story='{story.pk}']")
    expect(row).to_contain_text("auto : préfixe du titre « Mèze : »")
    row.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".messagelist")).to_contain_text("étiquettes confirmées")
    expect(page.locator(f"tr[data-story='{story.pk}']")).to_have_count(0)
    story.refresh_from_db()
    assert not story.needs_review
    assert story.articlecommune_set.get().editor == editor
    assert page.watch.console_errors == []
