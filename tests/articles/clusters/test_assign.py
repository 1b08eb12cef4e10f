"""Grouping at ingest: through store_entries (a real poll), lead, size, dates, tags and limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from articles.clusters import state
from articles.clusters.assign import assign_new
from articles.ingest.poll import poll_source
from articles.models import Article, ArticleCommune, Cluster
from localities.models import Commune
from tests.builders import make_article, make_feed_source, make_source, rss_from_items

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def story(source, title, summary="", *, hours=0.0, communes=("sete",), sections=(), **fields):
    """A stored, tagged version from ``source``, grouped as ingest would group it."""
    article = make_article(
        title,
        summary=summary,
        source=source,
        communes=communes,
        sections=sections,
        published=START + timedelta(hours=hours),
        url=f"https://{source.pk}.example/{title[:20]}-{hours}",
        **fields,
    )
    assign_new([article])
    article.refresh_from_db()
    return article


BUDGET = "Sète : le conseil municipal adopte un budget de 98 M€"


def test_a_poll_groups_its_new_stories_with_another_outlets_version(httpserver):
    earlier = make_source("Midi Libre")
    first = story(earlier, BUDGET, "Réuni lundi soir, le conseil municipal a voté le budget primitif.")
    httpserver.expect_request("/feed").respond_with_data(
        rss_from_items(
            [
                {
                    "title": "Conseil municipal de Sète : le budget voté à 98 millions d'euros",
                    "link": "https://thau-infos.example/budget",
                    "summary": "Les élus sétois ont adopté lundi le budget primitif, 98 M€.",
                    "published": START + timedelta(hours=5),
                },
                {"title": "Frontignan : la fête du muscat", "link": "https://thau-infos.example/muscat"},
            ]
        )
    )
    assert poll_source(make_feed_source(httpserver.url_for("/feed"), name="Thau Infos").pk).new == 2
    version = Article.objects.get(url="https://thau-infos.example/budget")
    other = Article.objects.get(url="https://thau-infos.example/muscat")
    assert version.cluster_id == first.cluster_id and not version.is_lead
    assert 0.5 <= version.match_score <= 1
    assert other.cluster_id not in (None, first.cluster_id) and other.is_lead
    cluster = Cluster.objects.get(pk=first.cluster_id)
    assert (cluster.lead_id, cluster.size) == (first.pk, 2)
    assert (cluster.first_published, cluster.last_published) == (first.published, version.published)
    assert Article.objects.filter(is_lead=True, cluster=cluster).get() == first


def test_the_earliest_version_leads_even_when_stored_last():
    late = story(make_source("Thau Infos"), BUDGET, hours=10)
    early = story(make_source("Midi Libre"), BUDGET, hours=1)
    cluster = Cluster.objects.get(pk=late.cluster_id)
    assert early.cluster_id == late.cluster_id and cluster.lead_id == early.pk
    late.refresh_from_db()
    assert early.is_lead and not late.is_lead


def test_the_lead_carries_every_versions_tags_and_loses_them_after_a_split():
    lead = story(make_source("Midi Libre"), BUDGET, communes=["sete"])
    other = story(make_source("Thau Infos"), BUDGET, hours=2, communes=["sete", "frontignan"], sections=["politique"])
    assert other.cluster_id == lead.cluster_id
    lent = ArticleCommune.objects.get(article=lead, commune__slug="frontignan")
    assert (lent.origin, lent.rule) == ("auto", state.EVENT_RULE)
    assert lead.sections.filter(slug="politique").exists()
    assert set(lead.communes.values_list("slug", flat=True)) == {"sete", "frontignan"}

    from articles.clusters import edit

    edit.split(other, None)
    assert not lead.communes.filter(slug="frontignan").exists()
    assert not lead.sections.filter(slug="politique").exists()


def test_an_editors_exclusion_on_the_lead_is_not_lent_back():
    lead = make_article(BUDGET, source=make_source("Midi Libre"), communes=["sete"], published=START)
    lead.excluded_communes.add(Commune.objects.get(slug="frontignan"))
    assign_new([lead])
    story(make_source("Thau Infos"), BUDGET, hours=2, communes=["sete", "frontignan"])
    assert not lead.communes.filter(slug="frontignan").exists()


def test_a_cluster_never_spans_more_than_seven_days_even_when_matches_chain():
    sources = [make_source(f"Source {n}") for n in range(4)]
    title = "Sète : le festival Fiesta Sète dévoile sa programmation au Théâtre de la Mer"
    chain = [story(sources[n], title, hours=hours) for n, hours in enumerate((0, 60, 120, 180))]
    assert chain[0].cluster_id == chain[1].cluster_id == chain[2].cluster_id
    assert chain[3].cluster_id != chain[0].cluster_id
    cluster = Cluster.objects.get(pk=chain[0].cluster_id)
    assert cluster.last_published - cluster.first_published <= timedelta(days=7)


def test_a_match_near_the_threshold_goes_to_the_review_queue():
    a = story(
        make_source("Midi Libre"),
        "Sète : un incendie ravage un appartement rue Gambetta",
        "Un feu s'est déclaré dans la nuit de vendredi à samedi dans un appartement du deuxième étage, "
        "rue Gambetta à Sète.",
    )
    b = story(
        make_source("La Gazette de Sète"),
        "Feu d'habitation en plein centre de Sète : une famille relogée",
        "Les pompiers sont intervenus dans la nuit de vendredi à samedi rue Gambetta, où un appartement a été "
        "détruit par les flammes.",
        hours=3,
    )
    assert b.cluster_id == a.cluster_id
    assert b.match_score < 0.6 and Cluster.objects.get(pk=a.cluster_id).uncertain


def test_area_wide_stories_match_area_wide_stories_only():
    title = "Hérault : vigilance orange pluie-inondation ce mardi"
    a = story(make_source("Midi Libre"), title, communes=())
    b = story(make_source("France Bleu"), title, hours=1, communes=())
    c = story(make_source("Thau Infos"), title, hours=2, communes=["sete"])
    assert a.cluster_id == b.cluster_id != c.cluster_id


def test_stories_stored_before_clustering_are_grouped_with_new_versions():
    old = make_article(BUDGET, source=make_source("Midi Libre"), communes=["sete"], published=START)
    assert old.cluster_id is None
    new = story(make_source("Thau Infos"), BUDGET, hours=1)
    old.refresh_from_db()
    assert old.cluster_id == new.cluster_id and old.is_lead and not new.is_lead


def test_a_hidden_lead_hands_over_to_the_earliest_visible_version():
    lead = story(make_source("Midi Libre"), BUDGET)
    other = story(make_source("Thau Infos"), BUDGET, hours=2)
    Article.objects.filter(pk=lead.pk).update(status=Article.Status.HIDDEN)
    state.refresh([lead.cluster_id])
    other.refresh_from_db()
    assert other.is_lead and Cluster.objects.get(pk=lead.cluster_id).lead_id == other.pk


def test_reclassifying_keeps_the_tags_a_lead_carries_for_its_event():
    from articles.classify import reclassify

    lead = story(make_source("Midi Libre"), BUDGET, communes=["sete"])
    other = story(make_source("Thau Infos"), BUDGET, hours=2, communes=["sete", "frontignan"])
    ArticleCommune.objects.filter(article=other).update(origin="editor")  # kept by reclassification
    reclassify(Article.objects.all())
    assert lead.communes.filter(slug="frontignan").exists()


def test_stories_stored_before_clustering_are_left_alone_when_nothing_matches():
    old = make_article("Frontignan : la fête du muscat", source=make_source("Midi Libre"), communes=["sete"])
    story(make_source("Thau Infos"), BUDGET, hours=1)
    old.refresh_from_db()
    assert old.cluster_id is None


def test_a_poll_inserts_each_new_story_with_its_keys_and_event_then_leaves_no_empty_event(httpserver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = story(
        make_source("Midi Libre"), BUDGET, "Réuni lundi soir, le conseil municipal a voté le budget primitif."
    )
    items = [
        {"title": BUDGET, "link": "https://thau-infos.example/budget", "published": START + timedelta(hours=2)},
        {"title": "Frontignan : la fête du muscat", "link": "https://thau-infos.example/muscat"},
        {"title": "Mèze : le marché de Noël ouvre samedi", "link": "https://thau-infos.example/noel"},
    ]
    httpserver.expect_request("/feed").respond_with_data(rss_from_items(items))
    with CaptureQueriesContext(connection) as queries:
        assert poll_source(make_feed_source(httpserver.url_for("/feed"), name="Thau Infos").pk).new == 3
    joined = Article.objects.get(url="https://thau-infos.example/budget")
    alone = Article.objects.filter(url__in=["https://thau-infos.example/muscat", "https://thau-infos.example/noel"])
    assert joined.cluster_id == first.cluster_id and not joined.is_lead
    for article in alone:
        assert article.is_lead and article.match_score is None and article.title_key and article.match_text
        assert Cluster.objects.get(pk=article.cluster_id).lead_id == article.pk
    # Every event has versions: the one the joined story was inserted with is gone.
    assert Cluster.objects.count() == Article.objects.values("cluster_id").distinct().count() == 3
    assert Cluster.objects.get(pk=first.cluster_id).size == 2
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    written_again = [sql for sql in updates if "articles_article" in sql.split("SET")[0] and "title_key" in sql]
    assert written_again == []  # the keys go in with the insert
    if connection.vendor == "postgresql":  # ids and events come before the insert: only the joined story moves
        cluster_updates = [sql for sql in updates if "articles_article" in sql.split("SET")[0] and "cluster_id" in sql]
        assert len(cluster_updates) == 1 and str(joined.pk) in str(queries.captured_queries)


def test_grouping_reads_candidates_in_a_fixed_number_of_queries_whatever_is_stored(django_assert_max_num_queries):
    from django.db import connection

    from articles.clusters.assign import prepare

    sources = [make_source(f"Source {n}") for n in range(3)]
    for n in range(30):
        make_article(
            f"Sète : histoire numéro {n} du port",
            source=sources[n % 3],
            communes=["sete"],
            published=START + timedelta(hours=n),
        )
    new = [
        Article(
            source=sources[0],
            guid=f"new-{n}",
            url=f"https://new.example/{n}",
            title=f"Sète : nouvelle {n} du quai",
            published=START + timedelta(hours=10 + n),
        )
        for n in range(5)
    ]
    prepare(new)
    Article.objects.bulk_create(new)
    ArticleCommune.objects.bulk_create(
        [ArticleCommune(article=a, commune=Commune.objects.get(slug="sete")) for a in new]
    )
    if connection.vendor == "postgresql":  # own communes, candidates, spans if one could join, the write
        with django_assert_max_num_queries(4):
            assign_new(new)
    else:  # SQLite: the candidates in three queries, one UPDATE per row
        assign_new(new)
    assert all(a.cluster_id and Cluster.objects.filter(pk=a.cluster_id).exists() for a in new)
