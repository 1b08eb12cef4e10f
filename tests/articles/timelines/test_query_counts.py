"""Each page costs the same number of queries whatever the page size and the number of stories."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import timelines
from articles.models import Article
from tests.builders import make_article, make_articles, make_source

pytestmark = pytest.mark.django_db

# directory (communes, sections), stories with those "À la une" (one query), their communes and
# sections (one query).
TIMELINE_QUERIES = 4
# The home's first page adds the commune map's counts, a commune's also its sparkline (pictures/).
MAP_AND_SPARKLINE_QUERIES = {"/": 1, "/communes/sete/": 2}
# A later page has no "À la une" block: the same queries.
OLDER_PAGE_QUERIES = 4


def _fill(count: int) -> None:
    make_articles(
        count, communes=("sete", "frontignan"), sections=("elections", "politique"), image="https://i.example/a.jpg"
    )
    make_article("Épinglé", communes=("sete",), sections=("elections",), status=Article.Status.FEATURED)


# /communes/<slug>/elections/ is the elections hub (its count is pinned in tests/elections/).
@pytest.mark.parametrize("url", ["/", "/communes/sete/", "/rubriques/elections/", "/communes/sete/politique/"])
@pytest.mark.parametrize("count", [3, 45])
def test_a_timeline_page_costs_the_same_queries_for_few_or_many_stories(client, django_assert_num_queries, url, count):
    _fill(count)
    with django_assert_num_queries(TIMELINE_QUERIES + MAP_AND_SPARKLINE_QUERIES.get(url, 0)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [5, 30])
def test_the_page_size_does_not_change_the_query_count(django_assert_num_queries, sete, size):
    _fill(40)
    timeline = timelines.Timeline(commune=sete)
    with django_assert_num_queries(TIMELINE_QUERIES - 2):  # the directory is the view's, not the page's
        page = timelines.timeline_page(timeline, size=size)
        assert len(page.articles) == size
        assert all(a.communes.all() and a.sections.all() and a.source.name for a in page.articles)


def test_an_older_page_costs_the_same_queries_as_any_other_older_page(client, django_assert_num_queries):
    _fill(70)
    first = client.get("/communes/sete/")
    older = first.content.decode().split('href="/communes/sete/?avant=')[1].split('"')[0]
    cache.clear()
    with django_assert_num_queries(OLDER_PAGE_QUERIES):
        second = client.get(f"/communes/sete/?avant={older}")
    oldest = second.content.decode().split('href="/communes/sete/?avant=')[1].split('"')[0]
    cache.clear()
    with django_assert_num_queries(OLDER_PAGE_QUERIES):
        client.get(f"/communes/sete/?avant={oldest}")


def test_a_cached_timeline_page_needs_no_query(client, django_assert_num_queries):
    _fill(10)
    client.get("/communes/sete/elections/")
    with django_assert_num_queries(0):
        assert "Épinglé" in client.get("/communes/sete/elections/").content.decode()


def test_the_story_page_search_and_sources_have_fixed_query_counts(client, django_assert_num_queries):
    _fill(12)
    story = Article.objects.filter(title="Épinglé").get()
    client.get("/")  # warms the directory
    # story, its communes, its sections, related stories, their communes.
    with django_assert_num_queries(5):
        client.get(f"/articles/{story.pk}/")
    # results, their communes and sections (one query).
    with django_assert_num_queries(2):
        client.get("/recherche/?q=Épinglé")
    make_source("Midi Libre")
    # sources, then (pictures/) their sparklines, silent communes, silent sources.
    with django_assert_num_queries(4):
        client.get("/sources/")


def test_timelines_never_use_offset(client):
    _fill(70)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
        older = html.split('href="/?avant=')[1].split('"')[0]
        client.get(f"/?avant={older}")
    assert queries.captured_queries
    assert not [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
