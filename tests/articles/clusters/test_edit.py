"""Editors' merge, split and choice of lead: logged, and sticking through re-polls and reclustering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from articles.clusters import edit
from articles.clusters.recluster import recluster
from articles.ingest.poll import poll_source
from articles.models import Article, Cluster, ClusterAction
from tests.builders import make_feed_source, make_person, make_source, rss_from_items

from .test_assign import BUDGET, START, story

pytestmark = pytest.mark.django_db

FESTIVAL = "Sète : Fiesta Sète dévoile la programmation de son édition 2026"


@pytest.fixture
def editor():
    return make_person("claire", "Éditeurs")


def _cluster(article: Article) -> Cluster:
    article.refresh_from_db()
    return Cluster.objects.get(pk=article.cluster_id)


def test_merge_moves_and_pins_versions_and_is_logged(editor):
    budget = story(make_source("Midi Libre"), BUDGET)
    festival = story(make_source("Thau Infos"), FESTIVAL, hours=2)
    target = edit.merge(_cluster(budget), _cluster(festival), editor)
    festival.refresh_from_db()
    assert festival.cluster_id == target.pk and festival.cluster_pinned and not festival.is_lead
    assert (target.size, target.lead_id) == (2, budget.pk)
    action = ClusterAction.objects.get(kind="merge")
    assert (action.cluster_id, action.editor) == (target.pk, editor)
    assert not Cluster.objects.filter(articles=None).exists()


def test_merge_refuses_versions_more_than_seven_days_apart(editor):
    first = story(make_source("Midi Libre"), BUDGET)
    late = story(make_source("Thau Infos"), FESTIVAL, hours=24 * 8)
    with pytest.raises(ValueError, match="7 jours"):
        edit.merge(_cluster(first), _cluster(late), editor)
    assert _cluster(late).pk != _cluster(first).pk


def test_split_takes_a_version_out_for_good_through_a_repoll_and_a_recluster(httpserver, editor):
    lead = story(make_source("Midi Libre"), BUDGET, "Le conseil municipal a voté le budget lundi soir.")
    items = [
        {
            "title": BUDGET,
            "link": "https://thau-infos.example/budget",
            "summary": "Le conseil municipal a voté le budget lundi soir.",
            "published": START + timedelta(hours=2),
        }
    ]
    httpserver.expect_request("/feed").respond_with_data(rss_from_items(items))
    source = make_feed_source(httpserver.url_for("/feed"), name="Thau Infos")
    poll_source(source.pk)
    version = Article.objects.get(url="https://thau-infos.example/budget")
    assert version.cluster_id == lead.cluster_id

    alone = edit.split(version, editor)
    assert alone.size == 1 and _cluster(lead).size == 1
    assert ClusterAction.objects.filter(kind="split", article=version).count() == 2

    httpserver.clear()
    items[0]["summary"] = "Le conseil municipal a voté le budget lundi soir, à l'unanimité."
    httpserver.expect_request("/feed").respond_with_data(rss_from_items(items))
    poll_source(source.pk, force=True)
    recluster(None)
    version.refresh_from_db()
    assert version.cluster_id == alone.pk and version.cluster_pinned and version.is_lead
    assert _cluster(lead).size == 1


def test_merged_versions_stay_together_through_a_recluster(editor):
    budget = story(make_source("Midi Libre"), BUDGET)
    festival = story(make_source("Thau Infos"), FESTIVAL, hours=2)
    target = edit.merge(_cluster(budget), _cluster(festival), editor)
    recluster(None)
    assert {a.cluster_id for a in Article.objects.all()} == {target.pk}


def test_a_chosen_lead_stays_through_a_repoll_and_a_recluster(editor):
    first = story(make_source("Midi Libre"), BUDGET)
    second = story(make_source("Thau Infos"), BUDGET, hours=1)
    edit.choose_lead(second, editor)
    cluster = _cluster(second)
    assert cluster.lead_id == second.pk and cluster.lead_chosen
    first.refresh_from_db()
    assert not first.is_lead and Article.objects.get(pk=second.pk).is_lead
    story(make_source("Le Singulier"), BUDGET, hours=3)  # a later version arrives
    recluster(None)
    cluster = _cluster(second)
    assert (cluster.lead_id, cluster.size) == (second.pk, 3)
    assert ClusterAction.objects.get(kind="lead").article_id == second.pk


def test_recluster_groups_stories_stored_before_clustering_and_keeps_cluster_ids():
    from tests.builders import make_article

    grouped = story(make_source("Midi Libre"), FESTIVAL)
    kept = grouped.cluster_id
    old = make_article(BUDGET, source=make_source("Thau Infos"), communes=["sete"], published=START)
    late = make_article(
        BUDGET, source=make_source("Le Singulier"), communes=["sete"], published=START + timedelta(hours=4)
    )
    counts = recluster(None)
    old.refresh_from_db()
    late.refresh_from_db()
    assert old.cluster_id == late.cluster_id and old.is_lead and not late.is_lead
    assert _cluster(grouped).pk == kept
    assert counts.clusters == 1


def test_a_hidden_version_cannot_be_chosen_as_lead(editor):
    story(make_source("Midi Libre"), BUDGET)
    hidden = story(make_source("Thau Infos"), BUDGET, hours=1, status=Article.Status.HIDDEN)
    with pytest.raises(ValueError, match="masquée"):
        edit.choose_lead(hidden, editor)
