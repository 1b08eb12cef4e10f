"""Odd query strings on search, feeds and timelines: a clean 400 or an empty result, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from articles.models import Article, Source

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    "q=" + "s" * 20_000,
    "q=" + "%C3%A8te+" * 3000,
    "q=%27%3B+DROP+TABLE+articles_article%3B--",
    "q=%27+OR+1%3D1+--",
    "q=%22%29%29%29%29",
    "q=.*%28%5B%5D%29%7B%7D%5E%24%7C%3F%2B%5C",
    "q=%5C",
    "q=%25%25%25_%5F",
    "q=%26%7C%21%3A*%3C-%3E",  # tsquery operators
    "q=%FF%FE%FD",  # invalid UTF-8
    "q=%C3%28",  # truncated UTF-8 sequence
    "q=%00",  # NUL, which PostgreSQL refuses in text
    "q=%E2%80%AE%E2%80%8B",  # right-to-left override, zero-width space
    "q=a&q=b&q=%00",
    "q[]=x",
    "q=x&commune=%FF",
    "q=x&commune=" + "a" * 5000,
    "q=x&rubrique=%27",
    "q=x&avant=%27%3B--",
    "q=x&page=-1",
    "q=x&page=99999999999999999999999",
]
PATHS = ["/recherche/", "/recherche/rss/", "/recherche/atom/"]
TIMELINE_QUERIES = ["avant=%FF", "avant=" + "9" * 400, "avant=2026-13-45T99:99:99", "avant=%00", "avant=-1:-1"]
TIMELINE_PATHS = ["/", "/rss/", "/communes/sete/", "/communes/sete/rss/", "/rubriques/culture/atom/"]


@pytest.fixture
def stories():
    source = Source.objects.create(name="Sète Infos", url="https://sete.example/rss")
    for n in range(3):
        Article.objects.create(source=source, guid=f"g{n}", url=f"https://sete.example/{n}", title=f"Port de Sète {n}")


def _clean(response) -> None:
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert b"Traceback" not in response.content


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda q: q[:40])
@pytest.mark.parametrize("path", PATHS)
def test_odd_search_queries_get_a_clean_answer_never_a_500(stories, path, query):
    client = Client(raise_request_exception=False)
    response = client.get(f"{path}?{query}")
    _clean(response)
    if response.status_code == 200 and "DROP" in query:
        assert Article.objects.count() == 3


@pytest.mark.parametrize("query", TIMELINE_QUERIES, ids=lambda q: q[:30])
@pytest.mark.parametrize("path", TIMELINE_PATHS)
def test_odd_cursors_on_timelines_and_feeds_get_a_clean_answer(stories, path, query):
    _clean(Client(raise_request_exception=False).get(f"{path}?{query}"))


@pytest.mark.parametrize(
    "path", ["/communes/%FF/", "/communes/s%C3%A8te/rss/", "/articles/99999999999999999999/", "/rubriques/%00/"]
)
def test_odd_paths_get_a_404_not_a_500(path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code in (400, 404)


def test_a_search_for_sql_finds_nothing_and_the_table_is_intact(client, stories):
    response = client.get("/recherche/", {"q": "' OR '1'='1"})
    assert response.status_code == 200
    assert "Port de Sète 0" not in response.content.decode()
    assert Article.objects.count() == 3
