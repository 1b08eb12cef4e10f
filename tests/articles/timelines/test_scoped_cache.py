"""A story makes out of date only the pages that show it; a burst of requests rebuilds a page once."""

from __future__ import annotations

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from articles import timelines
from articles.admin import tagging
from localities.models import Commune
from tests.builders import make_article, make_person


def page(client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.fixture
def two_towns(client, django_capture_on_commit_callbacks):
    """A story in Sète and one in Frontignan, stored (committed), their pages cached."""
    with django_capture_on_commit_callbacks(execute=True):
        sete = make_article("Sète : la criée", communes=("sete",))
        frontignan = make_article("Frontignan : le muscat", communes=("frontignan",))
    for url in ("/", "/communes/sete/", "/communes/frontignan/", "/communes/meze/", "/rss/", "/communes/sete/rss/"):
        client.get(url)
    return sete, frontignan


@pytest.mark.django_db
def test_a_sete_story_leaves_the_frontignan_page_cached(
    client, two_towns, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : les joutes", communes=("sete",))
    assert "les joutes" in page(client, "/communes/sete/")
    with django_assert_num_queries(0):
        assert "le muscat" in page(client, "/communes/frontignan/")


@pytest.mark.django_db
def test_a_sete_story_changes_the_home_page_and_the_feeds(client, two_towns, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : les joutes", communes=("sete",))
    for url in ("/", "/rss/", "/communes/sete/rss/"):
        assert "les joutes" in page(client, url), url


@pytest.mark.django_db
def test_an_editor_moving_a_story_changes_the_old_and_the_new_commune(
    client, two_towns, django_capture_on_commit_callbacks, django_assert_num_queries
):
    story, _ = two_towns
    editor = make_person("redaction", "Éditeurs")
    sete, frontignan = Commune.objects.get(slug="sete"), Commune.objects.get(slug="frontignan")
    with django_capture_on_commit_callbacks(execute=True):
        tagging.remove_commune([story.pk], sete, editor)
        tagging.add_commune([story.pk], frontignan, editor)
    assert "la criée" not in page(client, "/communes/sete/")
    assert "la criée" in page(client, "/communes/frontignan/")
    with django_assert_num_queries(0):
        page(client, "/communes/meze/")


@pytest.mark.django_db
def test_retagging_through_the_model_changes_the_old_and_the_new_commune(
    client, two_towns, django_capture_on_commit_callbacks
):
    story, _ = two_towns
    with django_capture_on_commit_callbacks(execute=True):
        story.communes.set([Commune.objects.get(slug="frontignan")], through_defaults={"rule": "éditeur"})
    assert "la criée" not in page(client, "/communes/sete/")
    assert "la criée" in page(client, "/communes/frontignan/")


# --- No dog-pile ------------------------------------------------------------------------------

BURST = 12


@pytest.fixture
def slow_builds(monkeypatch):
    """Count the builds of timeline pages, each made slow enough for a burst to pile up on it."""
    builds = []
    lock = threading.Lock()
    real = timelines.timeline_page

    def slow(*args, **kwargs):
        with lock:
            builds.append(time.monotonic())
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(timelines, "timeline_page", slow)
    return builds


def burst(url: str) -> list[str]:
    def get(_):
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            return response.read().decode()

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(get, range(BURST)))


@pytest.mark.django_db(transaction=True)
def test_a_burst_on_a_cold_page_builds_it_once(live_server, places, slow_builds):
    make_article("Sète : la criée", communes=("sete",))
    pages = burst(f"{live_server.url}/communes/sete/")
    assert len(slow_builds) == 1
    assert all("la criée" in html for html in pages)


@pytest.mark.django_db(transaction=True)
def test_a_burst_after_a_new_story_rebuilds_once_and_serves_the_previous_page_meanwhile(
    live_server, places, slow_builds
):
    make_article("Sète : la criée", communes=("sete",))
    burst(f"{live_server.url}/communes/sete/")
    make_article("Sète : les joutes", communes=("sete",))  # autocommit: the version moves at once
    started = time.monotonic()
    pages = burst(f"{live_server.url}/communes/sete/")
    assert len(slow_builds) == 2
    assert all("la criée" in html for html in pages)
    # The others did not wait for the rebuild.
    assert sum("les joutes" not in html for html in pages) >= BURST // 2, time.monotonic() - started
    assert "les joutes" in burst(f"{live_server.url}/communes/sete/")[0]
