"""Bulk actions on the stories list: each changes what it says, sticks, and shows in the history."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.admin import tagging
from articles.models import Article, ArticleCommune, Section
from articles.models.tags import Origin
from localities.models import Commune
from tests.builders import make_article

pytestmark = pytest.mark.django_db
URL = "/admin/articles/article/"


def run(client, action: str, stories, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in stories], **extra}
    return client.post(URL, data, follow=True)


def test_adding_a_commune_first_asks_which_one(editor_client):
    story = make_article()
    page = run(editor_client, "add_commune", [story])
    assert "Ajouter une commune aux articles choisis" in page.content.decode()
    assert not ArticleCommune.objects.exists()


def test_adding_a_commune_tags_the_stories_as_the_editor(editor_client, editor):
    stories = [make_article(), make_article(communes=["sete"])]
    gigean = Commune.objects.get(slug="gigean")
    page = run(editor_client, "add_commune", stories, apply="1", commune=gigean.pk)
    assert "Gigean ajoutée à 2 article(s)." in page.content.decode()
    tags = ArticleCommune.objects.filter(commune=gigean)
    assert tags.count() == 2
    assert {(t.origin, t.editor) for t in tags} == {(Origin.EDITOR, editor)}
    assert tags.first().provenance().startswith("éditeur : alice, le ")


def test_adding_a_commune_an_editor_had_removed_lifts_the_exclusion(editor_client):
    story = make_article()
    sete = Commune.objects.get(slug="sete")
    story.excluded_communes.add(sete)
    run(editor_client, "add_commune", [story], apply="1", commune=sete.pk)
    assert list(story.communes.all()) == [sete]
    assert not story.excluded_communes.exists()


def test_adding_a_commune_a_story_already_had_makes_it_the_editors_and_keeps_why(editor_client, editor):
    story = make_article(communes=["sete"])
    sete = Commune.objects.get(slug="sete")
    run(editor_client, "add_commune", [story], apply="1", commune=sete.pk)
    tag = story.articlecommune_set.get()
    assert (tag.commune, tag.origin, tag.editor, tag.score) == (sete, Origin.EDITOR, editor, 1.0)
    assert (tag.rule, tag.phrase) == ("préfixe du titre", "Sète :")


def _queries_to_add_a_commune(client, count: int) -> int:
    # Half the stories already carry the commune (the classifier's) and one had it excluded by an editor.
    sete = Commune.objects.get(slug="sete")
    stories = [make_article(communes=["sete"] if n % 2 else []) for n in range(count)]
    stories[0].excluded_communes.add(sete)
    with CaptureQueriesContext(connection) as queries:
        page = run(client, "add_commune", stories, apply="1", commune=sete.pk)
    assert f"Sète ajoutée à {count} article(s)." in page.content.decode()
    tags = ArticleCommune.objects.filter(article__in=stories, commune=sete)
    assert tags.count() == count
    assert set(tags.values_list("origin", "editor__username", "score")) == {(Origin.EDITOR, "alice", 1.0)}
    assert not Article.excluded_communes.through.objects.filter(article__in=stories).exists()
    return len(queries)


def test_adding_a_commune_costs_the_same_queries_for_3_or_30_stories(editor_client):
    _queries_to_add_a_commune(editor_client, 1)  # the first request fills per-process caches (content types…)
    assert _queries_to_add_a_commune(editor_client, 3) == _queries_to_add_a_commune(editor_client, 30)


@pytest.mark.parametrize("add", [tagging.add_commune, tagging.add_section])
def test_tagging_many_stories_is_a_fixed_number_of_queries(editor, add):
    target = Commune.objects.get(slug="sete") if add is tagging.add_commune else Section.objects.get(slug="sports")
    few, many = [make_article().pk for _ in range(3)], [make_article().pk for _ in range(30)]
    with CaptureQueriesContext(connection) as for_few:
        add(few, target, editor)
    with CaptureQueriesContext(connection) as for_many:
        add(many, target, editor)
    # savepoint, insert, update, delete of exclusions, release; the training examples: 3 reads, 1 upsert
    assert len(for_few) == len(for_many) <= 10


def test_removing_a_commune_keeps_it_off(editor_client):
    story = make_article(communes=["sete", "meze"])
    sete = Commune.objects.get(slug="sete")
    run(editor_client, "remove_commune", [story], apply="1", commune=sete.pk)
    assert list(story.communes.values_list("slug", flat=True)) == ["meze"]
    assert list(story.excluded_communes.all()) == [sete]


def test_setting_a_section_replaces_the_others_for_good(editor_client):
    story = make_article(sections=["culture", "societe"])
    sports = Section.objects.get(slug="sports")
    run(editor_client, "set_section", [story], apply="1", section=sports.pk)
    assert list(story.sections.values_list("slug", flat=True)) == ["sports"]
    assert set(story.excluded_sections.values_list("slug", flat=True)) == {"culture", "societe"}


def test_an_invalid_choice_asks_again_and_changes_nothing(editor_client):
    story = make_article()
    page = run(editor_client, "add_commune", [story], apply="1", commune="999999")
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
    assert not ArticleCommune.objects.exists()


@pytest.mark.parametrize(
    ("action", "field", "before", "after"),
    [
        ("hide", "status", "visible", "hidden"),
        ("show", "status", "hidden", "visible"),
        ("feature", "status", "visible", "featured"),
        ("unfeature", "status", "featured", "visible"),
        ("lock", "locked", False, True),
        ("unlock", "locked", True, False),
    ],
)
def test_status_and_lock_actions(editor_client, action, field, before, after):
    story = make_article(**{field: before})
    run(editor_client, action, [story])
    story.refresh_from_db()
    assert getattr(story, field) == after


def test_unfeaturing_leaves_hidden_stories_hidden(editor_client):
    hidden = make_article(status="hidden")
    run(editor_client, "unfeature", [hidden])
    hidden.refresh_from_db()
    assert hidden.status == "hidden"


def test_every_bulk_change_is_in_each_story_history(editor_client, editor):
    stories = [make_article(), make_article()]
    run(editor_client, "hide", stories)
    gigean = Commune.objects.get(slug="gigean")
    run(editor_client, "add_commune", stories, apply="1", commune=gigean.pk)
    for story in stories:
        messages = list(
            LogEntry.objects.filter(object_id=str(story.pk), user=editor)
            .order_by("action_time")
            .values_list("change_message", flat=True)
        )
        assert messages == ["Masqué(s).", "Commune ajoutée : Gigean."]
    history = editor_client.get(f"{URL}{stories[0].pk}/history/").content.decode()
    assert "Commune ajoutée : Gigean." in history and "alice" in history


def test_confirming_turns_suggestions_into_editor_tags_and_clears_review(editor_client, editor):
    story = make_article(communes=["sete"], sections=["culture"], needs_review=True)
    run(editor_client, "confirm", [story])
    story.refresh_from_db()
    assert not story.needs_review
    assert story.articlecommune_set.get().origin == Origin.EDITOR
    assert story.articlesection_set.get().editor == editor


def test_reclassify_keeps_editor_tags(editor_client):
    story = make_article(title="Frontignan : le muscat à l’honneur")
    gigean = Commune.objects.get(slug="gigean")
    run(editor_client, "add_commune", [story], apply="1", commune=gigean.pk)
    page = run(editor_client, "reclassify", [story])
    assert "1 article(s) reclassé(s)." in page.content.decode()
    assert Article.objects.get(pk=story.pk).communes.filter(slug="gigean").exists()
