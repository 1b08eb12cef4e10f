"""Redis stops: pages and feeds keep answering, /healthz says so, and polling resumes by itself.

The test runs its own ``redis-server`` (fixture ``private_redis``) and kills it for real.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from articles.models import Article, Source
from newsroom.cache import RETRY_AFTER
from newsroom.celery import app
from tests.builders import numbered_items, rss_from_items
from tests.helpers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/communes/sete/", "/rubriques/culture/", "/recherche/?q=S%C3%A8te", "/sources/"]
FEEDS = ["/rss/", "/atom/", "/communes/sete/rss/", "/recherche/rss/?q=port"]


def _redis_settings(server):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "newsroom.cache.FailSafeRedisCache",
                "LOCATION": server.url(2),
                "KEY_PREFIX": "resilience",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        CELERY_BROKER_URL=server.url(1),
        BROKER_IS_EMBEDDED=False,
    )


def _story(source: Source, n: int) -> Article:
    return Article.objects.create(source=source, guid=f"g{n}", url=f"https://news.example/{n}", title=f"Sète n°{n}")


def test_pages_and_feeds_answer_200_without_cache_while_redis_is_down(client, private_redis):
    source = Source.objects.create(name="Midi Libre Sète", url="https://news.example/rss")
    story = _story(source, 1)
    with _redis_settings(private_redis):
        cache.set("probe", "up")
        assert cache.get("probe") == "up", "the cache should work while Redis answers"
        for path in [*PAGES, *FEEDS, story.get_absolute_url()]:
            assert client.get(path).status_code == 200, path

        private_redis.stop()
        started = time.monotonic()
        for path in [*PAGES, *FEEDS, story.get_absolute_url()]:
            response = client.get(path)
            assert response.status_code == 200, f"{path} answered {response.status_code} with Redis down"
        # Each cache call fails fast (connection refused), so pages stay quick.
        assert time.monotonic() - started < 20
        assert cache.get("probe") is None
        cache.set("probe", "down")  # dropped, not raised
        assert cache.get("probe") is None
        assert "Sète n°1" in client.get("/").content.decode()

        private_redis.start()

        def cache_works() -> bool:
            cache.set("probe", "back")
            return cache.get("probe") == "back"

        # After a failure the cache waits RETRY_AFTER seconds before trying Redis again.
        wait_until(cache_works, timeout=RETRY_AFTER + 10, message="the cache was not used again once Redis was back")


def test_pages_stay_fast_when_redis_hangs_instead_of_refusing(client, private_redis):
    source = Source.objects.create(name="Midi Libre Sète", url="https://news.example/rss")
    _story(source, 1)
    with _redis_settings(private_redis):
        assert client.get("/").status_code == 200
        private_redis.pause()  # SIGSTOP: connections hang until the socket timeout
        try:
            for path in PAGES + FEEDS:
                started = time.monotonic()
                response = client.get(path)
                took = time.monotonic() - started
                assert response.status_code == 200, path
                # One socket timeout (0.5 s) at most, not one per cache call.
                assert took < 2.5, f"{path} took {took:.1f} s with Redis hanging"
        finally:
            private_redis.resume()


def test_healthz_reports_the_broker_down_then_up_again(client, private_redis):
    with _redis_settings(private_redis):
        assert client.get("/healthz").json()["broker"]["ok"] is True
        private_redis.stop()
        response = client.get("/healthz")
        assert response.status_code == 200  # the site itself still works
        body = response.json()
        assert body["broker"]["ok"] is False and body["broker"]["kind"] == "redis"
        assert body["status"] == "degraded"
        private_redis.start()
        assert client.get("/healthz").json()["broker"]["ok"] is True


def _dispatch(broker_url: str) -> None:
    """What beat does every minute: send ``dispatch_due_sources`` through the broker."""
    from articles.tasks import dispatch_due_sources

    with app.connection_for_write(broker_url) as conn:
        dispatch_due_sources.apply_async(connection=conn)


def test_polling_resumes_by_itself_when_redis_comes_back_and_no_story_is_lost(private_redis, hostile_server):
    items = numbered_items(3, "Frontignan")
    hostile_server.serve("/feed.xml", rss_from_items(items))
    source = Source.objects.create(name="Frontignan Info", url=hostile_server.url("/feed.xml"))
    broker = private_redis.url(1)
    env = {"REDIS_URL": private_redis.url(0)}
    with celery_worker(broker, env=env) as worker:
        _dispatch(broker)
        wait_until(lambda: Article.objects.filter(source=source).count() == 3, timeout=60, message="first poll")

        private_redis.stop()
        # The newsroom publishes while Redis is down; the source becomes due again.
        hostile_server.serve("/feed.xml", rss_from_items(items + numbered_items(2, "Frontignan", first=3)))
        Source.objects.filter(pk=source.pk).update(next_check_at=source.created)
        assert worker.poll() is None, "the worker died when Redis stopped"

        private_redis.start()

        # Beat's next dispatch: it may take the worker a few seconds to reconnect, so send until it runs.
        def resumed() -> bool:
            if worker.poll() is not None:
                raise AssertionError("the worker died after Redis came back")
            try:
                _dispatch(broker)
            except Exception:  # noqa: BLE001 — the broker may still be warming up
                return False
            return wait_until_quiet(lambda: Article.objects.filter(source=source).count() == 5, 5)

        wait_until(resumed, timeout=90, interval=0.5, message="polling did not resume after Redis came back")
    titles = sorted(Article.objects.filter(source=source).values_list("title", flat=True))
    assert titles == sorted(item["title"] for item in items + numbered_items(2, "Frontignan", first=3))


def wait_until_quiet(predicate, timeout: float) -> bool:
    try:
        return bool(wait_until(predicate, timeout=timeout))
    except AssertionError:
        return False
