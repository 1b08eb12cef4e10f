"""Through a real Celery worker: polled stories are tagged, and an alias edit reaches the running worker."""

from __future__ import annotations

from itertools import count

import pytest

from articles.models import Article, ArticleCommune, Source
from articles.tasks import poll_source
from localities.models import Alias, Commune
from newsroom.celery import app
from tests.helpers import celery_worker, wait_until

# A transactional test flushes the tables; tests/conftest.py replays the seeded rows before each one.
pytestmark = pytest.mark.django_db(transaction=True)


def feed(*titles: tuple[str, str]) -> bytes:
    items = "".join(
        f'<item><title>{title}</title><link>https://thau.example/{guid}</link><guid isPermaLink="false">{guid}</guid>'
        "<description>Le point sur la saison.</description></item>"
        for guid, title in titles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Thau</title>'
        f"<link>https://thau.example/</link>{items}</channel></rss>"
    ).encode()


def test_a_running_worker_tags_stories_and_picks_up_a_new_alias(httpserver, redis_broker_url):
    stories = [("a0", "Gigean : la plage des Aresquiers vue par un Gigeanais")]
    httpserver.expect_request("/feed").respond_with_handler(lambda request: _respond(feed(*stories)))
    source = Source.objects.create(name="Thau", url=httpserver.url_for("/feed"), feed_url=httpserver.url_for("/feed"))

    def poll() -> None:
        with app.connection_for_write(redis_broker_url) as conn:
            poll_source.apply_async(args=[source.pk], kwargs={"force": True}, connection=conn)

    with celery_worker(redis_broker_url) as worker:
        poll()
        wait_until(
            lambda: ArticleCommune.objects.filter(article__guid="a0").exists() or worker.poll() is not None,
            timeout=60,
            message="the worker never tagged the first story",
        )
        assert worker.poll() is None, "the worker died"
        tags = dict(ArticleCommune.objects.filter(article__guid="a0").values_list("commune__slug", "phrase"))
        assert tags == {"gigean": "Gigean"}

        Alias.objects.create(phrase="Aresquiers", commune=Commune.objects.get(slug="vic-la-gardiole"), kind="place")
        numbers = count(1)

        def new_story_gets_the_new_alias() -> bool:
            # Each round the feed offers one more story; the worker re-reads its rules within seconds.
            guid = f"a{next(numbers)}"
            stories.append((guid, "Les Aresquiers : la plage rouverte"))
            poll()
            wait_until(lambda: Article.objects.filter(guid=guid).exists(), timeout=60, message="poll not stored")
            return ArticleCommune.objects.filter(article__guid=guid, commune__slug="vic-la-gardiole").exists()

        wait_until(new_story_gets_the_new_alias, timeout=60, interval=0.2, message="the worker kept its old aliases")
        assert worker.poll() is None, "the worker died"


def _respond(body: bytes):
    from werkzeug import Response

    return Response(body, content_type="application/rss+xml")
