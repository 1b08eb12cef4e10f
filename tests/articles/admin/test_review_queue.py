"""The review queue: stories "à vérifier", oldest first, confirmed or corrected in one click."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from articles.models.tags import Origin
from localities.models import Commune
from tests.builders import days_ago, make_article

pytestmark = pytest.mark.django_db
QUEUE = "/admin/articles/article/a-verifier/"


def queue_titles(client) -> list[str]:
    return [story.title for story in client.get(QUEUE).context["page"].object_list]


def test_the_queue_lists_stories_to_review_oldest_first(editor_client):
    make_article(title="Récent sans commune", published=days_ago(1))
    make_article(title="Ancien incertain", communes=["sete"], needs_review=True, published=days_ago(5))
    make_article(title="Vérifié", communes=["sete"], published=days_ago(3))
    assert queue_titles(editor_client) == ["Ancien incertain", "Récent sans commune"]


def test_the_queue_shows_suggestions_with_their_provenance(editor_client):
    make_article(title="Sète : la criée", communes=["sete"], needs_review=True)
    html = editor_client.get(QUEUE).content.decode()
    assert "Sète" in html and "auto : préfixe du titre « Sète : »" in html
    assert "Confirmer" in html and "Corriger" in html


def test_the_list_links_to_the_queue(editor_client):
    assert QUEUE in editor_client.get("/admin/articles/article/").content.decode()


def test_one_click_confirms_the_suggested_tags(editor_client, editor):
    story = make_article(communes=["sete"], sections=["culture"], needs_review=True)
    response = editor_client.post(f"{QUEUE}{story.pk}/", follow=True)
    assert "étiquettes confirmées" in response.content.decode()
    story.refresh_from_db()
    assert not story.needs_review
    assert story.articlecommune_set.get().origin == Origin.EDITOR
    assert queue_titles(editor_client) == []
    assert LogEntry.objects.get(object_id=str(story.pk)).user == editor


def test_a_quick_correction_replaces_the_commune(editor_client, editor):
    story = make_article(communes=["sete"], needs_review=True)
    frontignan = Commune.objects.get(slug="frontignan")
    editor_client.post(f"{QUEUE}{story.pk}/", {"commune": frontignan.pk})
    story.refresh_from_db()
    assert list(story.communes.all()) == [frontignan]
    assert story.articlecommune_set.get().editor == editor
    assert list(story.excluded_communes.values_list("slug", flat=True)) == ["sete"]
    assert not story.needs_review


def test_a_story_without_commune_leaves_the_queue_once_corrected(editor_client):
    story = make_article(title="Nulle part")
    assert queue_titles(editor_client) == ["Nulle part"]
    editor_client.post(f"{QUEUE}{story.pk}/", {"commune": Commune.objects.get(slug="gigean").pk})
    assert queue_titles(editor_client) == []


def test_the_queue_refuses_get_on_decisions_and_unknown_communes(editor_client):
    story = make_article(needs_review=True)
    assert editor_client.get(f"{QUEUE}{story.pk}/").status_code == 405
    assert editor_client.post(f"{QUEUE}{story.pk}/", {"commune": "999999"}).status_code == 404
    story.refresh_from_db()
    assert story.needs_review


def test_the_queue_query_count_does_not_grow_with_its_length(editor_client, django_assert_max_num_queries):
    for n in range(20):
        make_article(communes=["sete"], sections=["culture"], needs_review=True, published=days_ago(n))
    editor_client.get(QUEUE)
    with django_assert_max_num_queries(10):
        editor_client.get(QUEUE)


def test_a_quick_correction_can_set_the_section_alone_or_with_the_commune(editor_client, editor):
    from articles.models import Section

    story = make_article(communes=["sete"], sections=["culture"], needs_review=True)
    sports = Section.objects.get(slug="sports")
    response = editor_client.post(f"{QUEUE}{story.pk}/", {"action": "correct", "section": sports.pk}, follow=True)
    assert "rubrique corrigée en Sports" in response.content.decode()
    story.refresh_from_db()
    assert list(story.sections.values_list("slug", flat=True)) == ["sports"]
    assert list(story.communes.values_list("slug", flat=True)) == ["sete"]  # left as it was, now confirmed
    assert story.articlecommune_set.get().origin == Origin.EDITOR
    assert not story.needs_review

    other = make_article(communes=["sete"], sections=["culture"], needs_review=True)
    gigean = Commune.objects.get(slug="gigean")
    response = editor_client.post(
        f"{QUEUE}{other.pk}/", {"action": "correct", "commune": gigean.pk, "section": sports.pk}, follow=True
    )
    assert "commune corrigée en Gigean et rubrique corrigée en Sports" in response.content.decode()
    other.refresh_from_db()
    assert (list(other.communes.all()), list(other.sections.all())) == ([gigean], [sports])


def test_a_correction_with_nothing_chosen_changes_nothing_and_says_so(editor_client):
    story = make_article(communes=["sete"], needs_review=True)
    response = editor_client.post(f"{QUEUE}{story.pk}/", {"action": "correct"}, follow=True)
    assert "choisissez une commune ou une rubrique" in response.content.decode()
    story.refresh_from_db()
    assert story.needs_review
    assert editor_client.post(f"{QUEUE}{story.pk}/", {"section": "abc"}).status_code == 404
