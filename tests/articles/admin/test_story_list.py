"""The stories list: its columns, its filters, and a query count that does not grow with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import days_ago, make_article, make_source

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [story.title for story in response.context["cl"].result_list]


def test_the_list_shows_communes_sections_status_and_confidence(editor_client):
    make_article(
        title="Sète : la criée rouvre",
        communes=["sete"],
        sections=["economie"],
        confidence=0.82,
        status="featured",
    )
    html = editor_client.get("/admin/articles/article/").content.decode()
    for text in ("Sète : la criée rouvre", "Sète", "Économie", "à la une", "82%"):
        assert text in html


def test_filters_by_commune_and_without_commune(editor_client):
    make_article(title="À Sète", communes=["sete"])
    make_article(title="À Gigean", communes=["gigean"])
    make_article(title="Nulle part")
    assert titles(editor_client.get("/admin/articles/article/?commune=gigean")) == ["À Gigean"]
    assert titles(editor_client.get("/admin/articles/article/?commune=aucune")) == ["Nulle part"]


def test_filters_by_section_source_and_status(editor_client):
    source = make_source(name="Thau Info")
    make_article(source=source, title="Match", sections=["sports"])
    make_article(title="Concert", sections=["culture"], status="hidden")
    assert titles(editor_client.get("/admin/articles/article/?rubrique=sports")) == ["Match"]
    assert titles(editor_client.get(f"/admin/articles/article/?source__id__exact={source.pk}")) == ["Match"]
    assert titles(editor_client.get("/admin/articles/article/?status__exact=hidden")) == ["Concert"]
    assert titles(editor_client.get("/admin/articles/article/?rubrique=aucune")) == []


def test_to_review_means_unsure_or_without_commune(editor_client):
    make_article(title="Sûr", communes=["sete"])
    make_article(title="Incertain", communes=["sete"], needs_review=True)
    make_article(title="Sans commune")
    assert sorted(titles(editor_client.get("/admin/articles/article/?verification=a-verifier"))) == [
        "Incertain",
        "Sans commune",
    ]
    assert titles(editor_client.get("/admin/articles/article/?verification=verifie")) == ["Sûr"]


def test_the_list_has_a_date_hierarchy(editor_client):
    make_article(title="Ancien", published=days_ago(400))
    make_article(title="Récent", published=days_ago(1))
    response = editor_client.get("/admin/articles/article/")
    assert response.context["cl"].date_hierarchy == "published"
    year = days_ago(400).year
    if year != days_ago(1).year:
        assert titles(editor_client.get(f"/admin/articles/article/?published__year={year}")) == ["Ancien"]


def count_list_queries(client, stories: int) -> int:
    source = make_source()
    for n in range(stories):
        make_article(source=source, communes=["sete", "gigean"][: 1 + n % 2], sections=["culture"])
    client.get("/admin/articles/article/")  # the site's navigation is cached on the first page
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == stories
    return len(queries)


def test_the_list_query_count_does_not_grow_with_the_page_size(editor_client):
    few = count_list_queries(editor_client, 3)
    from articles.models import Article

    Article.objects.all().delete()
    many = count_list_queries(editor_client, 40)
    assert few == many


def test_the_list_query_count_is_pinned(editor_client, django_assert_max_num_queries):
    source = make_source()
    for _ in range(30):
        make_article(source=source, communes=["sete"], sections=["culture"])
    # Session, user, permissions (2), filters (3), counts (2), the page and its two prefetches,
    # the date hierarchy (2); two more for the site's navigation until it is cached.
    with django_assert_max_num_queries(16):
        editor_client.get("/admin/articles/article/")
