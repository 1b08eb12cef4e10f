from __future__ import annotations

from urllib.parse import quote

import pytest

from articles.models import Article
from articles.search import SearchSpec, search_articles
from tests.builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    return {
        "joutes": make_article(
            "Sète : les joutes nautiques de la Saint-Louis",
            communes=("sete",),
            sections=("sports",),
            summary="<p>Le tournoi de joutes du canal royal a réuni les meilleurs jouteurs.</p>",
        ),
        "budget": make_article(
            "Frontignan : le budget voté",
            communes=("frontignan",),
            sections=("politique",),
            summary="<p>Les joutes verbales ont animé le conseil municipal.</p>",
        ),
        "elections": make_article(
            "Gigean : les élections municipales approchent",
            communes=("gigean",),
            sections=("elections",),
            summary="<p>Trois listes sont candidates.</p>",
        ),
        "hidden": make_article("Sète : joutes annulées (masqué)", communes=("sete",), status=Article.Status.HIDDEN),
    }


def result_titles(client, query: str) -> list[str]:
    import re

    response = client.get(f"/recherche/?{query}")
    assert response.status_code == 200
    found = re.findall(r'<h3 class="card-title"><a href="[^"]+">(.*?)</a>', response.content.decode())
    return [re.sub("<[^>]+>", "", title) for title in found]


def test_search_finds_words_in_titles_and_summaries_and_never_hidden_stories(client, stories):
    found = result_titles(client, "q=joutes")
    assert set(found) == {"Sète : les joutes nautiques de la Saint-Louis", "Frontignan : le budget voté"}


def test_search_can_be_filtered_by_commune_and_section(client, stories):
    assert result_titles(client, "q=joutes&commune=sete") == ["Sète : les joutes nautiques de la Saint-Louis"]
    assert result_titles(client, "q=joutes&rubrique=politique") == ["Frontignan : le budget voté"]
    assert result_titles(client, "q=joutes&commune=gigean") == []


def test_search_marks_the_matches_in_the_title(client, stories):
    html = client.get("/recherche/?q=joutes&commune=sete").content.decode()
    assert "<mark>joutes</mark>" in html


def test_postgres_search_is_french_ranked_and_accent_blind(postgres, client, stories):
    # French stemming: "joute" finds "joutes"; title matches rank above summary matches.
    assert result_titles(client, "q=joute") == [
        "Sète : les joutes nautiques de la Saint-Louis",
        "Frontignan : le budget voté",
    ]
    assert result_titles(client, "q=elections") == ["Gigean : les élections municipales approchent"]
    assert result_titles(client, "q=%C3%A9lection") == ["Gigean : les élections municipales approchent"]
    html = client.get("/recherche/?q=municipale").content.decode()
    assert "<mark>municipales</mark>" in html


def test_the_search_vector_follows_edits_and_bulk_updates(postgres, stories):
    story = stories["elections"]
    story.title = "Gigean : la médiathèque rouvre"
    story.save()
    assert list(search_articles(SearchSpec("médiathèque"))) == [story]
    Article.objects.filter(pk=story.pk).update(summary="<p>Un concert de jazz.</p>")
    assert list(search_articles(SearchSpec("jazz"))) == [story]


def test_titles_from_sources_are_escaped_in_results(client):
    make_article("<script>alert('joutes')</script> & joutes", communes=("sete",))
    html = client.get("/recherche/?q=joutes").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


ODD_QUERIES = [
    "q=" + "joutes " * 100,
    "q=" + quote("'; DROP TABLE articles_article; --"),
    "q=" + quote(".*[(?<!\\"),
    "q=" + quote('"joutes" OR -sète & | ! :*'),
    "q=%FF%FE%00",
    "q=%00",
    "q=" + quote("\u202e\ufeff\U0001f600 joutes"),
    "q=joutes&commune=" + quote("sete'--"),
    "q=joutes&rubrique=inconnue",
    "q=joutes&q=autre",
    "commune=sete",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_search_input_gives_a_clean_answer_never_a_500(client, stories, query):
    for path in ("/recherche/", "/recherche/rss/", "/recherche/atom/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)


def test_a_too_long_query_is_refused_with_a_french_message(client):
    response = client.get("/recherche/", {"q": "x" * 500})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("path", ["/communes/%FF%FE/", "/rubriques/%C3/rss/", "/articles/%FF/", "/communes/s%00te/"])
def test_invalid_utf8_in_a_url_is_a_404_not_a_500(client, path):
    assert client.get(path).status_code in (400, 404)


def test_search_results_come_30_per_page_with_links_both_ways(client):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for n in range(35):
        make_article(f"Sète : joutes, manche {n:02d}", communes=("sete",), published=now - timedelta(hours=n))
    first = client.get("/recherche/?q=joutes&commune=sete").content.decode()
    assert first.count('<h3 class="card-title">') == 30
    assert "Résultats 1 à 30" in first
    assert 'rel="next" href="/recherche/?q=joutes&amp;commune=sete&amp;page=2"' in first
    assert 'rel="prev"' not in first
    second = client.get("/recherche/?q=joutes&commune=sete&page=2").content.decode()
    assert second.count('<h3 class="card-title">') == 5
    assert "Résultats 31 à 35" in second and '<ol class="cards" start="31">' in second
    assert 'rel="prev" href="/recherche/?q=joutes&amp;commune=sete"' in second and 'rel="next"' not in second
    titles = set(result_titles(client, "q=joutes&commune=sete")) | set(result_titles(client, "q=joutes&page=2"))
    assert len(titles) == 35  # no story lost or shown twice between the pages
    beyond = client.get("/recherche/?q=joutes&page=3").content.decode()
    assert "Revenir aux premiers résultats" in beyond


@pytest.mark.parametrize("page", ["0", "-1", "abc", "21", "9" * 30])
def test_a_page_out_of_range_is_refused_with_a_french_message(client, page):
    response = client.get(f"/recherche/?q=joutes&page={page}")
    assert response.status_code == 400
    assert "alert" in response.content.decode()


def test_postgres_search_pages_rank_the_newest_reachable_matches(postgres):
    from datetime import timedelta

    from django.utils import timezone

    from articles.search import MAX_PAGES, PER_PAGE, search_page

    now = timezone.now()
    for n in range(70):  # some say "joutes" once, others three times: ranks differ, dates too
        words = "joutes joutes joutes" if n % 3 == 0 else "joutes"
        make_article(f"Sète : {words} numéro {n}", published=now - timedelta(hours=n))
    spec = SearchSpec("joutes")
    newest = search_articles(spec).order_by("-published", "-id").values("pk")[: MAX_PAGES * PER_PAGE + 1]
    expected = [a.pk for a in search_articles(spec).filter(pk__in=newest)]  # best rank first, then newest
    pages = [search_page(spec, page) for page in (1, 2, 3)]
    assert [a.pk for results, _ in pages for a in results] == expected
    assert [more for _, more in pages] == [True, True, False]
