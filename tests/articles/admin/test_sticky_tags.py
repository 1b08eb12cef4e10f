"""The change form: tags show their provenance, and an editor's changes survive reclassification."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from articles.admin import pipeline
from articles.ingest.poll import poll_source
from articles.models import Article, ArticleCommune, Source
from articles.models.tags import Origin
from localities.models import Commune
from tests.builders import make_article
from tests.helpers import rendered_form_data

pytestmark = pytest.mark.django_db


def change_url(story) -> str:
    return f"/admin/articles/article/{story.pk}/change/"


def form_data(story: Article, *, communes: list[int | None], delete: tuple[int, ...] = (), **fields) -> dict:
    """What the browser posts: the story's fields, then one inline row per commune (None = new row)."""
    published = timezone.localtime(story.published)
    data = {
        "title": story.title,
        "url": story.url,
        "published_0": published.strftime("%d/%m/%Y"),
        "published_1": published.strftime("%H:%M:%S"),
        "summary": story.summary,
        "image": story.image,
        "status": story.status,
        "needs_review": "on" if story.needs_review else "",
        "excluded_communes": [c.pk for c in story.excluded_communes.all()],
        "articlesection_set-TOTAL_FORMS": "0",
        "articlesection_set-INITIAL_FORMS": "0",
        **fields,
    }
    existing = list(story.articlecommune_set.order_by("pk"))
    data["articlecommune_set-TOTAL_FORMS"] = str(len(communes))
    data["articlecommune_set-INITIAL_FORMS"] = str(len(existing))
    for i, commune_id in enumerate(communes):
        prefix = f"articlecommune_set-{i}"
        data[f"{prefix}-commune"] = commune_id or ""
        data[f"{prefix}-article"] = story.pk
        if i < len(existing):
            data[f"{prefix}-id"] = existing[i].pk
            if i in delete:
                data[f"{prefix}-DELETE"] = "on"
    return {k: v for k, v in data.items() if v != ""}


def test_the_form_shows_each_tag_with_its_provenance(editor_client, editor):
    story = make_article(communes=["sete"])
    ArticleCommune.objects.create(
        article=story, commune=Commune.objects.get(slug="gigean"), origin=Origin.EDITOR, editor=editor
    )
    html = editor_client.get(change_url(story)).content.decode()
    assert "auto : préfixe du titre « Sète : »" in html
    assert f"éditeur : alice, le {timezone.localdate():%d/%m/%Y}" in html


def test_the_form_uses_autocomplete_widgets(editor_client):
    story = make_article(communes=["sete"])
    html = editor_client.get(change_url(story)).content.decode()
    assert "admin-autocomplete" in html
    # The widget's data source answers for an editor.
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "gig", "app_label": "articles", "model_name": "articlecommune", "field_name": "commune"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Gigean"]


def test_a_commune_added_in_the_form_is_the_editors(editor_client, editor):
    story = make_article(communes=["sete"])
    sete, gigean = Commune.objects.get(slug="sete"), Commune.objects.get(slug="gigean")
    response = editor_client.post(change_url(story), form_data(story, communes=[sete.pk, gigean.pk]))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    tags = {t.commune.slug: t for t in story.articlecommune_set.select_related("commune")}
    assert tags["gigean"].origin == Origin.EDITOR and tags["gigean"].editor == editor
    assert tags["sete"].origin == Origin.AUTO  # untouched rows keep their provenance


def test_a_commune_removed_in_the_form_stays_removed(editor_client):
    story = make_article(communes=["sete"])
    sete = Commune.objects.get(slug="sete")
    response = editor_client.post(change_url(story), form_data(story, communes=[sete.pk], delete=(0,)))
    assert response.status_code == 302
    assert not story.communes.exists()
    assert list(story.excluded_communes.all()) == [sete]


def test_changing_a_row_excludes_the_old_commune(editor_client, editor):
    story = make_article(communes=["sete"])
    meze = Commune.objects.get(slug="meze")
    response = editor_client.post(change_url(story), form_data(story, communes=[meze.pk]))
    assert response.status_code == 302
    tag = story.articlecommune_set.get()
    assert (tag.commune, tag.origin, tag.editor) == (meze, Origin.EDITOR, editor)
    assert list(story.excluded_communes.values_list("slug", flat=True)) == ["sete"]


def test_reclassifying_never_undoes_the_editors_choice(editor_client):
    story = make_article(title="Sète : la criée rouvre", communes=["sete"])
    sete, gigean = Commune.objects.get(slug="sete"), Commune.objects.get(slug="gigean")
    editor_client.post(change_url(story), form_data(story, communes=[sete.pk, gigean.pk], delete=(0,)))
    pipeline.reclassify(Article.objects.filter(pk=story.pk))
    assert list(story.communes.values_list("slug", flat=True)) == ["gigean"]
    assert story.articlecommune_set.get().origin == Origin.EDITOR


def test_correcting_the_title_locks_the_story_against_upstream(editor_client):
    story = make_article(title="Setè : cirée")
    response = editor_client.post(change_url(story), form_data(story, communes=[], title="Sète : criée"), follow=True)
    story.refresh_from_db()
    assert story.title == "Sète : criée" and story.locked
    assert "Article verrouillé" in response.content.decode()


def test_saving_tags_alone_does_not_lock_the_story(editor_client):
    # Microseconds the date widget cannot show, and line breaks a browser sends back as CRLF.
    story = make_article(summary="<p>Un.</p>\n<p>Deux.</p>", published=timezone.now().replace(microsecond=123456))
    summary, published = story.summary, story.published
    gigean = Commune.objects.get(slug="gigean")
    data = form_data(story, communes=[gigean.pk], summary=summary.replace("\n", "\r\n"))
    assert editor_client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert not story.locked
    assert (story.summary, story.published) == (summary, published)


def test_the_rendered_form_saves_back_unchanged_without_locking(editor_client):
    story = make_article(
        communes=["sete"], sections=["culture"], summary="<p>Un.</p>\n<p>Deux.</p>", published=timezone.now()
    )
    html = editor_client.get(change_url(story)).content.decode()
    response = editor_client.post(change_url(story), rendered_form_data(html, "article_form"))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    story.refresh_from_db()
    assert not story.locked
    assert story.articlecommune_set.get().origin == Origin.AUTO  # nothing changed, nothing claimed


def test_the_form_change_is_in_the_history(editor_client, editor):
    story = make_article()
    gigean = Commune.objects.get(slug="gigean")
    editor_client.post(change_url(story), form_data(story, communes=[gigean.pk]))
    entry = LogEntry.objects.get(object_id=str(story.pk))
    assert entry.user == editor
    assert "commune d’un article" in entry.get_change_message()


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Thau Hebdo</title><link>{base}/</link>
<item><title>Sète : la criée rouvre</title><link>{base}/criee</link><guid>criee</guid>
<description>{summary}</description></item></channel></rss>"""


def test_a_repoll_keeps_the_editors_tags_and_removals(editor_client, httpserver):
    def serve(summary: str) -> None:
        httpserver.clear()
        base = httpserver.url_for("").rstrip("/")
        httpserver.expect_request("/rss.xml").respond_with_data(
            FEED.format(base=base, summary=summary), content_type="application/rss+xml"
        )

    serve("Les pêcheurs de Sète reprennent la mer.")
    source = Source.objects.create(
        name="Thau Hebdo", url=httpserver.url_for("/"), feed_url=httpserver.url_for("/rss.xml")
    )
    assert poll_source(source.pk, force=True).status == "ok"
    story = Article.objects.get()
    assert list(story.communes.values_list("slug", flat=True)) == ["sete"]  # the classifier read the prefix
    sete, gigean = Commune.objects.get(slug="sete"), Commune.objects.get(slug="gigean")
    editor_client.post(change_url(story), form_data(story, communes=[sete.pk, gigean.pk], delete=(0,)))

    serve("Les pêcheurs de Sète reprennent la mer, à Sète comme à Mèze.")
    assert poll_source(source.pk, force=True).status == "ok"
    story.refresh_from_db()
    assert "Mèze" in story.summary  # the update did land: the editor's save did not lock the story
    assert "sete" not in story.communes.values_list("slug", flat=True)
    assert story.articlecommune_set.get(commune=gigean).origin == Origin.EDITOR
