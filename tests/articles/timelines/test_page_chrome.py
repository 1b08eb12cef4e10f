"""A timeline page is its cached chrome around its cards: the same HTML as the page rendered whole,
and a new story or a renamed place shows as it did."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory

from articles import cache as page_cache
from articles import timelines, views
from articles.models import Article
from tests.builders import days_ago, make_article, make_articles, make_cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories() -> None:
    make_articles(40, communes=("sete", "frontignan"), sections=("politique",), image="https://i.example/a.jpg")
    make_article("Épinglé", communes=("sete",), sections=("politique",), status=Article.Status.FEATURED)
    lead = make_article("Sète : les joutes", communes=("sete",), published=days_ago(2))
    make_cluster(lead, make_article("Sète : les joutes, autre version", communes=("sete",), published=days_ago(2)))


@pytest.fixture
def chrome_builds(monkeypatch) -> list[str]:
    """The addresses whose chrome was rendered (not taken from the cache)."""
    built = []
    real = views.render_to_string

    def counting(template, context=None, request=None):
        if template == "articles/timeline.html":
            built.append(request.path)
        return real(template, context, request=request)

    monkeypatch.setattr(views, "render_to_string", counting)
    return built


def whole(request, found: timelines.Timeline, cursor: timelines.Cursor | None) -> str:
    """The page rendered in one piece from its template, as before the chrome was cached."""
    context = views.timeline_context(found, cursor, timelines.timeline_page(found, cursor))
    return render_to_string("articles/timeline.html", context, request=request)


@pytest.mark.parametrize("my_commune", ["", "sete", "frontignan"])
@pytest.mark.parametrize(
    ("commune", "section"), [(None, None), ("sete", None), (None, "politique"), ("sete", "politique")]
)
def test_a_page_around_its_cached_chrome_is_the_page_rendered_whole(stories, commune, section, my_commune):
    found = timelines.find_timeline(commune, section)
    first = timelines.timeline_page(found)
    for cursor in (None, first.next_cursor):
        request = RequestFactory().get(found.url, {"avant": str(cursor)} if cursor else {})
        request.COOKIES[views.MY_COMMUNE_COOKIE] = my_commune
        cache.clear()
        expected = whole(request, found, cursor)
        assert views.render_timeline(request, found, cursor) == expected
        assert views.render_timeline(request, found, cursor) == expected  # the chrome from the cache


def test_a_new_story_shows_on_the_page_while_its_chrome_stays_cached(
    client, chrome_builds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # stored and committed before the first visit
        make_article("Sète : la criée", communes=("sete",))
    client.get("/communes/sete/")
    assert chrome_builds == ["/communes/sete/"]
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : le marché", communes=("sete",))
    html = client.get("/communes/sete/").content.decode()
    assert "le marché" in html and "la criée" in html
    assert chrome_builds == ["/communes/sete/"]
    assert html.count('type="application/ld+json"') == 1 and "Sète : le marché" in html.split("ld+json")[1]


def test_each_reader_s_commune_and_each_page_kind_has_its_own_chrome(client, chrome_builds):
    make_articles(35, communes=("sete",))
    client.get("/communes/sete/")
    client.cookies[views.MY_COMMUNE_COOKIE] = "sete"
    html = client.get("/communes/sete/").content.decode()
    assert "C’est ma commune" in html
    older = html.split('href="/communes/sete/?avant=')[1].split('"')[0]
    client.get(f"/communes/sete/?avant={older}")
    assert chrome_builds == ["/communes/sete/"] * 3


def test_a_renamed_place_rebuilds_the_chrome(client, chrome_builds, django_capture_on_commit_callbacks):
    from localities.models import Commune

    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        meze = Commune.objects.get(slug="meze")
        meze.name = "Mèze-sur-Thau"
        meze.save()
    assert "Mèze-sur-Thau" in client.get("/").content.decode()
    assert chrome_builds == ["/", "/"]


def test_the_map_and_the_commune_aside_are_built_at_most_once_a_minute(client, monkeypatch):
    from pictures import activity

    counted = []
    real = activity.commune_counts
    monkeypatch.setattr(activity, "commune_counts", lambda *a, **k: counted.append(1) or real(*a, **k))
    make_article("Sète : la criée", communes=("sete",))
    client.get("/")
    client.get("/communes/sete/")
    page_cache.bump([page_cache.EVERYTHING])  # pages and chrome out of date: the counts are not
    client.get("/")
    client.get("/communes/sete/")
    assert len(counted) == 2
    clock = page_cache.time.time
    monkeypatch.setattr(page_cache.time, "time", lambda: clock() + views.FRAGMENT_SECONDS + 1)
    client.get("/")
    assert len(counted) == 3
