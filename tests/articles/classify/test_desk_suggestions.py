"""Corrections suggest aliases for names the gazetteer does not know; an editor accepts one in one click."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.admin import tagging
from articles.classify import classify_text
from articles.classify.suggestions import unknown_names
from articles.models import AliasSuggestion
from localities.models import Alias, Commune
from tests.articles.classify.desk_builders import forget_compiled_rules, make_editor
from tests.builders import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rules_afterwards():
    yield
    forget_compiled_rules()


TITLE = "Nouvelle fresque au Clos Zorglub"
SUMMARY = "Les habitants du Clos Zorglub l’ont inaugurée samedi avec Gaston Lagaffe."


@pytest.fixture
def editor():
    return make_editor()


def correct(editor, title: str = TITLE, summary: str = SUMMARY, commune: str = "loupian"):
    story = make_article(title, summary=summary)
    tagging.replace_communes(story, Commune.objects.get(slug=commune), editor)
    return story


def test_unknown_names_are_capitalised_phrases_no_alias_matches():
    text = "Mèze : le maire Gaston Lagaffe inaugure la Pointe de la Ville. Mardi, fête au Clos Zorglub à Sète."
    # Mèze and Sète are known; "Mardi" only opens a sentence; a name keeps its inner "de la".
    assert unknown_names(text) == ["Gaston Lagaffe", "Pointe de la Ville", "Clos Zorglub"]


def test_a_correction_adding_a_commune_the_text_hides_suggests_its_names(editor):
    correct(editor)
    correct(editor, "Clos Zorglub : la rue refaite", "Les travaux sont finis.")
    suggestions = {s.phrase: s for s in AliasSuggestion.objects.all()}
    assert set(suggestions) == {"Clos Zorglub", "Gaston Lagaffe"}
    clos = suggestions["Clos Zorglub"]
    assert (clos.commune.slug, clos.count, clos.status) == ("loupian", 2, AliasSuggestion.Status.PENDING)
    assert clos.examples == ["Clos Zorglub : la rue refaite", TITLE]


def test_no_suggestion_when_the_gazetteer_already_sees_the_commune(editor):
    correct(editor, "Loupian : fête au Clos Zorglub", "")
    assert not AliasSuggestion.objects.exists()


def test_no_suggestion_from_a_bulk_change_to_many_stories(editor):
    stories = [make_article(TITLE, summary=SUMMARY).pk for _ in range(2)]
    tagging.add_commune(stories, Commune.objects.get(slug="loupian"), editor)
    assert not AliasSuggestion.objects.exists()


def test_one_click_accepts_a_suggestion_and_the_next_story_uses_the_alias(client, editor):
    correct(editor)
    assert "loupian" not in classify_text("Le Clos Zorglub en fête", "").communes
    suggestion = AliasSuggestion.objects.get(phrase="Clos Zorglub")
    client.force_login(editor)
    page = client.get(reverse("admin:articles_aliassuggestion_changelist")).content.decode()
    accept = reverse("admin:articles_aliassuggestion_decide", args=[suggestion.pk])
    assert f'formaction="{accept}"' in page and "Clos Zorglub" in page

    response = client.post(accept, {"decision": "accept"}, follow=True)

    assert "Alias « Clos Zorglub → Loupian » créé" in response.content.decode()
    alias = Alias.objects.get(phrase="Clos Zorglub")
    assert (alias.commune.slug, alias.enabled) == ("loupian", True)
    assert AliasSuggestion.objects.get(pk=suggestion.pk).status == AliasSuggestion.Status.ACCEPTED
    assert "loupian" in classify_text("Le Clos Zorglub en fête", "").communes


def test_dismissing_a_suggestion_creates_no_alias(client, editor):
    correct(editor)
    suggestion = AliasSuggestion.objects.get(phrase="Gaston Lagaffe")
    client.force_login(editor)
    client.post(reverse("admin:articles_aliassuggestion_decide", args=[suggestion.pk]), {"decision": "dismiss"})
    assert AliasSuggestion.objects.get(pk=suggestion.pk).status == AliasSuggestion.Status.DISMISSED
    assert not Alias.objects.filter(phrase="Gaston Lagaffe").exists()
    correct(editor)  # corrected again: still counted, still dismissed
    assert AliasSuggestion.objects.get(pk=suggestion.pk).status == AliasSuggestion.Status.DISMISSED
