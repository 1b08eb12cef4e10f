"""The events desk: merge, split and choose the lead from the admin, each logged; the queue of
uncertain matches; editors may do it, other staff may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from articles.admin.roles import EDITORS
from articles.models import Article, Cluster, ClusterAction
from tests.builders import days_ago, make_article, make_cluster, make_person, make_source

pytestmark = pytest.mark.django_db
CLUSTERS = "/admin/articles/cluster/"
ARTICLES = "/admin/articles/article/"


@pytest.fixture
def alice() -> User:
    return make_person("alice", EDITORS)


@pytest.fixture
def desk(client, alice):
    client.force_login(alice)
    return client


def two_events() -> tuple[Cluster, Cluster]:
    """The same fire, matched into two events: Le Singulier's, then Thau Infos' and Midi Libre's."""
    start = days_ago(1)
    first = make_cluster(make_article("Marseillan : feu de broussailles près de la plage", published=start))
    second = make_cluster(
        make_article("Marseillan : un incendie maîtrisé", source=make_source("Thau Infos"), published=start),
        make_article(
            "Marseillan : deux hectares brûlés",
            source=make_source("Midi Libre"),
            published=start + timedelta(hours=1),
        ),
        uncertain=True,
    )
    return first, second


def post_action(client, url: str, action: str, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


def test_editors_may_change_events_and_read_their_log(alice):
    assert alice.has_perm("articles.view_cluster") and alice.has_perm("articles.change_cluster")
    assert alice.has_perm("articles.view_clusteraction")
    assert not alice.has_perm("articles.delete_cluster")
    assert not alice.has_perm("articles.change_clusteraction")


def test_the_review_queue_lists_uncertain_matches_only(desk):
    certain, uncertain = two_events()
    html = desk.get(f"{CLUSTERS}?uncertain__exact=1").content.decode()
    assert "Marseillan : un incendie maîtrisé (Thau Infos)" in html
    assert "feu de broussailles" not in html
    listing = desk.get(CLUSTERS).content.decode()
    assert "feu de broussailles" in listing and "un incendie maîtrisé" in listing


def test_merging_selected_events_keeps_the_oldest_and_logs_it(desk, alice):
    first, second = two_events()
    page = post_action(desk, CLUSTERS, "merge_selected", [first, second])
    assert "1 événement(s) fusionné(s)" in page.content.decode()
    assert not Cluster.objects.filter(pk=second.pk).exists()
    merged = Cluster.objects.get(pk=first.pk)
    assert merged.size == 3 and not merged.uncertain
    assert set(Article.objects.filter(cluster=merged).values_list("cluster_pinned", flat=True)) == {True}
    action = ClusterAction.objects.get(kind=ClusterAction.Kind.MERGE)
    assert (action.cluster_id, action.editor) == (first.pk, alice)


def test_merging_one_event_alone_asks_for_two(desk):
    first, _ = two_events()
    page = post_action(desk, CLUSTERS, "merge_selected", [first])
    assert "au moins deux événements" in page.content.decode()
    assert not ClusterAction.objects.exists()


def test_a_refused_merge_shows_why(desk):
    first, _ = two_events()
    old = make_cluster(make_article("Marseillan : un autre feu, l’an dernier", published=days_ago(30)))
    page = post_action(desk, CLUSTERS, "merge_selected", [first, old])
    assert "plus de 7 jours" in page.content.decode()
    assert Cluster.objects.filter(pk=old.pk).exists()


def test_the_event_page_shows_versions_and_log_and_merges_chooses_and_splits(desk, alice):
    first, second = two_events()
    thau, midi = Article.objects.filter(cluster=second).order_by("published")
    url = f"{CLUSTERS}{first.pk}/change/"
    page = desk.get(url).content.decode()
    assert "feu de broussailles" in page and "Sortir de l’événement" in page
    form = {
        "uncertain": "",
        "merge_with": second.pk,
        "lead_version": "",
        "split_out": [],
        "articles-TOTAL_FORMS": 1,
        "articles-INITIAL_FORMS": 1,
        "articles-MIN_NUM_FORMS": 0,
        "articles-MAX_NUM_FORMS": 1000,
        "articles-0-id": first.lead_id,
        "articles-0-cluster": first.pk,
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 1000,
    }
    response = desk.post(url, form, follow=True)
    assert response.status_code == 200
    assert Article.objects.filter(cluster=first).count() == 3
    page = desk.get(url).content.decode()
    assert "fusion" in page and "alice" in page  # the log, on the event
    versions = list(Article.objects.filter(cluster=first).order_by("published", "id"))
    form.update(
        {
            "merge_with": "",
            "lead_version": midi.pk,
            "split_out": [thau.pk],
            "articles-TOTAL_FORMS": 3,
            "articles-INITIAL_FORMS": 3,
            "actions-TOTAL_FORMS": 1,
            "actions-INITIAL_FORMS": 1,
            "actions-0-id": ClusterAction.objects.get().pk,
            "actions-0-cluster": first.pk,
        }
    )
    for index, version in enumerate(versions):
        form[f"articles-{index}-id"], form[f"articles-{index}-cluster"] = version.pk, first.pk
    desk.post(url, form, follow=True)
    midi.refresh_from_db()
    thau.refresh_from_db()
    assert midi.is_lead and Cluster.objects.get(pk=first.pk).lead_id == midi.pk
    assert thau.cluster_id != first.pk and thau.cluster_pinned
    kinds = sorted(ClusterAction.objects.values_list("kind", flat=True))
    assert kinds == ["lead", "merge", "split", "split"]  # a split is logged on both events
    assert set(ClusterAction.objects.values_list("editor", flat=True)) == {alice.pk}


def test_choosing_the_lead_from_the_articles_list(desk, alice):
    _, second = two_events()
    midi = Article.objects.get(cluster=second, is_lead=False)
    page = post_action(desk, ARTICLES, "choose_lead", [midi])
    assert "1 version(s) principale(s) choisie(s)." in page.content.decode()
    second.refresh_from_db()
    assert second.lead_id == midi.pk and second.lead_chosen
    assert ClusterAction.objects.get().kind == ClusterAction.Kind.LEAD


def test_choosing_two_leads_for_one_event_is_refused(desk):
    _, second = two_events()
    page = post_action(desk, ARTICLES, "choose_lead", list(Article.objects.filter(cluster=second)))
    assert "une seule version par événement" in page.content.decode()
    assert not ClusterAction.objects.exists()


def test_splitting_an_article_out_from_the_articles_list(desk, alice):
    first, second = two_events()
    midi = Article.objects.get(cluster=second, is_lead=False)
    alone = Article.objects.get(cluster=first)
    page = post_action(desk, ARTICLES, "split_out", [midi, alone])
    assert "1 article(s) sorti(s) de leur événement." in page.content.decode()  # one was alone already
    midi.refresh_from_db()
    assert midi.cluster_id != second.pk and midi.is_lead and midi.cluster_pinned
    assert Cluster.objects.get(pk=second.pk).size == 1
    assert ClusterAction.objects.filter(kind=ClusterAction.Kind.SPLIT).count() == 2


def test_the_log_of_actions_is_a_read_only_list(desk):
    first, second = two_events()
    post_action(desk, CLUSTERS, "merge_selected", [first, second])
    listing = desk.get("/admin/articles/clusteraction/")
    assert listing.status_code == 200 and "fusion" in listing.content.decode()
    action = ClusterAction.objects.get()
    page = desk.get(f"/admin/articles/clusteraction/{action.pk}/change/").content.decode()
    assert "fusion" in page and 'name="_save"' not in page


def test_marking_matches_checked_empties_the_queue(desk):
    _, uncertain = two_events()
    post_action(desk, CLUSTERS, "mark_checked", [uncertain])
    assert not Cluster.objects.filter(uncertain=True).exists()


def test_staff_without_the_editors_role_cannot_touch_events(client):
    first, second = two_events()
    outsider = User.objects.create_user("zoe", "zoe@example.org", "motdepasse", is_staff=True)
    outsider.user_permissions.add(*editor_permissions_but_events())
    client.force_login(outsider)
    assert client.get(CLUSTERS).status_code == 403
    post_action(client, ARTICLES, "split_out", list(Article.objects.filter(cluster=second)))
    assert not ClusterAction.objects.exists()
    assert Cluster.objects.get(pk=second.pk).size == 2


def editor_permissions_but_events():
    """The editors' permissions on articles, without those on events."""
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=EDITORS)
    return group.permissions.exclude(content_type__model__in=["cluster", "clusteraction"])


def test_an_editor_cannot_add_or_delete_events(desk):
    first, _ = two_events()
    assert desk.get(f"{CLUSTERS}add/").status_code == 403
    assert desk.get(f"{CLUSTERS}{first.pk}/delete/").status_code == 403
