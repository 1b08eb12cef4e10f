"""`make run` shows thumbnails: the demo feeds carry pictures that the demo server serves."""

from __future__ import annotations

import pytest

from articles.demo import ensure_demo_sources, serve_demo
from articles.ingest.poll import poll_source
from articles.models import Article
from pictures.models import Thumbnail
from pictures.thumbnails import make_thumbnail

pytestmark = pytest.mark.django_db


def test_the_demo_feeds_pictures_become_thumbnails(media):
    server = serve_demo(port=0)
    try:
        for source in ensure_demo_sources(server.base_url):
            assert poll_source(source.pk, force=True).status == "ok"
        pictured = Article.objects.exclude(image="")
        assert pictured.count() >= 6
        assert all(article.image.startswith(server.base_url) for article in pictured)
        for article in pictured:
            assert make_thumbnail(article.pk).status == Thumbnail.Status.READY
    finally:
        server.shutdown()
