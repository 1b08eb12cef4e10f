"""The in-process layer of the timelines cache: hot pages and feed 304s cost no round trip to Redis."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from articles import cache as page_cache
from tests.builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_layer(monkeypatch):
    monkeypatch.setattr(page_cache, "LOCAL_CACHE", True)
    page_cache._local.clear()
    yield
    page_cache._local.clear()


@pytest.fixture
def no_shared_cache(monkeypatch):
    """Fail on any read of the shared cache from here on."""

    def refuse(*args, **kwargs):
        raise AssertionError("the shared cache was read")

    def cut():
        for name in ("get", "get_many"):
            monkeypatch.setattr(cache, name, refuse)

    return cut


def test_a_hot_page_and_a_feed_304_need_neither_the_database_nor_the_shared_cache(
    client, local_layer, no_shared_cache, django_assert_num_queries
):
    make_article("Sète : la criée", communes=("sete",))
    client.get("/communes/sete/")
    etag = client.get("/communes/sete/rss/")["ETag"]
    no_shared_cache()
    with django_assert_num_queries(0):
        assert "la criée" in client.get("/communes/sete/").content.decode()
        assert client.get("/communes/sete/rss/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_story_stored_in_this_process_shows_at_once(client, local_layer, django_capture_on_commit_callbacks):
    make_article("Sète : la criée", communes=("sete",))
    client.get("/communes/sete/")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : la nouvelle criée", communes=("sete",))
    assert "la nouvelle criée" in client.get("/communes/sete/").content.decode()


def test_a_story_stored_by_another_process_shows_once_the_version_memo_expires(client, local_layer, monkeypatch, sete):
    make_article("Sète : la criée", communes=("sete",))
    client.get("/communes/sete/")
    make_article("Sète : stockée ailleurs", communes=("sete",))
    # Another process bumps the version in the shared cache; this one has not looked yet.
    cache.set(page_cache.version_key(page_cache.commune_scope(sete)), "bumped-elsewhere", None)
    assert "stockée ailleurs" not in client.get("/communes/sete/").content.decode()
    later = page_cache._clock() + page_cache.VERSION_MEMO_SECONDS + 0.1
    monkeypatch.setattr(page_cache, "_clock", lambda: later)
    assert "stockée ailleurs" in client.get("/communes/sete/").content.decode()


def test_the_memory_layer_keeps_only_the_most_recent_entries(local_layer, monkeypatch):
    monkeypatch.setattr(page_cache, "LOCAL_ENTRIES", 3)
    for n in range(5):
        page_cache.cached(f"k{n}", lambda n=n: n, 60)
    assert list(page_cache._local.entries) == ["k2", "k3", "k4"]
