"""A timeline page's queries are compiled once per kind of page and give what the ORM gives."""

from __future__ import annotations

import pytest

from articles import cards, timelines
from articles.models import Article
from tests.builders import make_article, make_articles, make_cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories() -> None:
    make_articles(30, communes=("sete",), sections=("politique",))
    make_articles(30, communes=("frontignan",), sections=("politique", "economie"))
    make_article("Épinglé", communes=("sete",), status=Article.Status.FEATURED)
    make_article("Masqué", communes=("sete",), status=Article.Status.HIDDEN)
    lead = make_article("Sète : les joutes", communes=("sete",))
    make_cluster(lead, make_article("Sète : les joutes, autre version", communes=("frontignan",)))


def pages(found: timelines.Timeline) -> list[timelines.Page]:
    """Every page of the timeline, walking "Articles plus anciens"."""
    found_pages = [timelines.timeline_page(found, size=7)]
    while found_pages[-1].next_cursor:
        found_pages.append(timelines.timeline_page(found, found_pages[-1].next_cursor, size=7))
    return found_pages


@pytest.mark.parametrize(
    ("commune", "section"), [(None, None), ("sete", None), ("frontignan", "politique"), (None, "economie")]
)
def test_each_page_holds_what_the_orm_finds(stories, commune, section):
    found = timelines.find_timeline(commune, section)
    walked = pages(found)
    expected = list(timelines.timeline_articles(found).values_list("pk", flat=True))
    assert [a.pk for page in walked for a in page.articles] == expected
    featured = list(timelines.timeline_articles(found).featured().values_list("pk", flat=True)[:4])
    assert [a.pk for a in walked[0].featured] == featured
    for story in walked[0].articles:
        whole = Article.objects.get(pk=story.pk)
        assert (story.title, story.published, story.source.name) == (whole.title, whole.published, whole.source.name)
        assert [c.pk for c in story.communes.all()] == [c.pk for c in whole.communes.order_by("name")]


def test_the_sql_of_a_kind_of_page_is_compiled_once(postgres, stories, monkeypatch):
    cards._Compiled.statements.clear()
    compiled = []
    real = cards._compile

    def counting(build, values, db):
        if len(values) == 4:  # (commune, section, published, pk): a page's stories
            compiled.append(values)
        return real(build, values, db)

    monkeypatch.setattr(cards, "_compile", counting)
    for slug in ("sete", "frontignan", "sete"):
        timelines.timeline_page(timelines.find_timeline(slug), size=7)
    assert len(compiled) == 1  # the first page's stories and those "À la une": for the first commune only
    assert len(pages(timelines.find_timeline("frontignan"))) > 2
    assert len(compiled) == 2  # the stories after a cursor, once for all later pages


def test_a_value_the_orm_changes_on_the_way_is_compiled_on_each_call(postgres, stories):
    """A stand-in not found as such among the parameters: no statement is kept, the ORM answers."""
    sete = timelines.find_timeline("sete").commune

    def build(commune):
        return Article.objects.filter(pk__gt=commune.pk - 1000).values_list("pk", flat=True)

    assert sorted(cards.fetch(("test",), build, (sete,), "default")) == sorted(build(sete))
    assert cards._Compiled.statements[("default", ("test",), (False,))] is None


def test_a_story_a_la_une_among_the_page_s_stories_has_both_its_cards(client):
    make_articles(3, communes=("sete",))
    make_article("Sète : épinglé", communes=("sete",), status=Article.Status.FEATURED)
    pinned, days = client.get("/communes/sete/").content.decode().split('<section class="day"', 1)
    assert 'class="card pinned"' in pinned and "Sète : épinglé" in pinned
    assert "Sète : épinglé" in days and '<span class="flag">À la une</span>' in days
