"""Thumbnails: found in the feed or the page, fetched once, converted, stored and served by us."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.ingest.poll import poll_source
from articles.models import Article
from pictures.images import CARD_HEIGHT, CARD_WIDTH
from pictures.models import Thumbnail
from pictures.tasks import make_thumbnail as thumbnail_task
from pictures.thumbnails import make_thumbnail
from tests.builders import make_article, make_feed_source, rss, rss_item
from tests.pictures.builders import jpeg, png
from tests.pictures.pages import document

pytestmark = pytest.mark.django_db

PAGE = '<html><head><meta property="og:image" content="/photos/une.jpg"></head><body>Article</body></html>'


def _files(thumb: Thumbnail) -> dict[str, Image.Image]:
    found = {}
    for name in ("card.webp", "card.jpg", "page.webp", "page.jpg"):
        with default_storage.open(f"{thumb.folder}/{name}") as handle:
            found[name] = Image.open(io.BytesIO(handle.read()))
    return found


def test_a_feed_picture_becomes_two_sizes_in_webp_and_jpeg(httpserver, media):
    httpserver.expect_oneshot_request("/photo.jpg").respond_with_data(jpeg(1600, 1000), content_type="image/jpeg")
    article = make_article(image=httpserver.url_for("/photo.jpg"))

    thumb = make_thumbnail(article.pk)

    assert thumb.status == Thumbnail.Status.READY, thumb.error
    files = _files(thumb)
    assert files["card.webp"].format == "WEBP" and files["card.jpg"].format == "JPEG"
    assert files["card.webp"].size == (CARD_WIDTH * 2, CARD_HEIGHT * 2)
    assert files["page.jpg"].size == (800, 500) == (thumb.width, thumb.height)
    # Fetched once: the next delivery of the task finds the thumbnail done.
    assert make_thumbnail(article.pk).status == Thumbnail.Status.READY
    assert len(httpserver.log) == 1


def test_a_transparent_png_is_flattened_on_white(httpserver, media):
    httpserver.expect_request("/logo.png").respond_with_data(png(), content_type="image/png")
    thumb = make_thumbnail(make_article(image=httpserver.url_for("/logo.png")).pk)
    assert _files(thumb)["page.jpg"].mode == "RGB"


def test_without_a_feed_picture_a_recent_article_uses_its_page_og_image(httpserver, media):
    httpserver.expect_request("/article").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/photos/une.jpg").respond_with_data(jpeg(), content_type="image/jpeg")
    article = make_article(url=httpserver.url_for("/article"), image="")

    thumb = make_thumbnail(article.pk)

    assert thumb.status == Thumbnail.Status.READY
    assert thumb.source_url == httpserver.url_for("/photos/une.jpg")


def test_an_article_older_than_3_days_does_not_fetch_its_page(httpserver, media):
    httpserver.expect_request("/article").respond_with_data(PAGE, content_type="text/html")
    article = make_article(url=httpserver.url_for("/article"), image="", published=timezone.now() - timedelta(days=4))
    assert make_thumbnail(article.pk).status == Thumbnail.Status.REFUSED
    assert httpserver.log == []


def test_a_failing_server_is_tried_three_times_then_given_up(httpserver, media):
    httpserver.expect_request("/photo.jpg").respond_with_data("indisponible", status=503)
    article = make_article(image=httpserver.url_for("/photo.jpg"))

    thumbnail_task.apply(args=[article.pk])  # eager: its retries run at once

    thumb = Thumbnail.objects.get(article=article)
    assert thumb.status == Thumbnail.Status.FAILED and thumb.attempts == 3
    assert len(httpserver.log) == 3
    assert Article.objects.filter(pk=article.pk).exists()


def test_cards_and_the_article_page_show_only_our_copy(client, httpserver, media):
    original = httpserver.url_for("/photo.jpg")
    httpserver.expect_request("/photo.jpg").respond_with_data(jpeg(), content_type="image/jpeg")
    article = make_article("Les joutes reprennent", communes=("sete",), image=original)
    thumb = make_thumbnail(article.pk)

    for url in (reverse("home"), article.get_absolute_url()):
        doc = document(client.get(url))
        pictures = doc.xpath("//picture")
        assert pictures, url
        img = pictures[0].xpath(".//img")[0]
        assert img.get("loading") == "lazy" and img.get("width") and img.get("height")
        assert img.get("src").startswith("/media/") and thumb.folder in img.get("src")
        assert pictures[0].xpath(".//source")[0].get("type") == "image/webp"
        sources = doc.xpath("//img/@src | //source/@srcset")
        assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
        assert original not in client.get(url).content.decode()
    story_img = document(client.get(article.get_absolute_url())).xpath("//picture//img")[0]
    assert story_img.get("alt") == "Illustration de l’article « Les joutes reprennent »"


def test_thumbnails_are_served_with_long_cache_headers(client, httpserver, media):
    httpserver.expect_request("/photo.jpg").respond_with_data(jpeg(), content_type="image/jpeg")
    thumb = make_thumbnail(make_article(image=httpserver.url_for("/photo.jpg")).pk)

    response = client.get(thumb.url("card", "webp"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "WEBP"
    assert client.get("/media/../newsroom/settings.py").status_code in (400, 404)


def test_a_poll_queues_thumbnails_only_once_it_has_committed(httpserver, django_capture_on_commit_callbacks):
    summary = '<p>Le port en fête <img class="une" src="/photos/port.jpg"></p>'
    item = rss_item("Sète : la photo", link="https://x.example/1", summary=summary)
    httpserver.expect_request("/feed").respond_with_data(rss(item), content_type="application/rss+xml")
    source = make_feed_source(httpserver.url_for("/feed"))
    with django_capture_on_commit_callbacks() as callbacks:
        assert poll_source(source.id).new == 1
    assert not Thumbnail.objects.exists()  # no image work inside the poll
    assert [cb for cb in callbacks if "queue_thumbnails" in cb.__qualname__], "a thumbnail task is queued on commit"
    # The summary's first <img> is the picture when the feed names no other.
    assert Article.objects.get(source=source).image == httpserver.url_for("/photos/port.jpg")
