"""Aliases, section rules and candidates: editors edit them, and reclassify the stories an edit touches."""

from __future__ import annotations

import pytest

from articles.admin.rules import touched_articles
from articles.models import ArticleCommune, Candidate, Section, SectionRule
from localities.models import Alias, Commune
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def test_editors_may_manage_aliases_added_after_the_roles_migration(editor):
    for action in ("view", "add", "change", "delete"):
        assert editor.has_perm(f"localities.{action}_alias")


def test_an_edit_touches_stories_that_mention_the_phrase_or_were_tagged_by_it():
    mentions = make_article(title="Fête à la Pointe Courte")
    in_summary = make_article(summary="<p>Balade vers la pointe courte ce dimanche.</p>")
    tagged = make_article(title="Le quartier des pêcheurs")
    ArticleCommune.objects.create(article=tagged, commune=Commune.objects.get(slug="sete"), phrase="Pointe Courte")
    make_article(title="Rien à voir")
    assert set(touched_articles(["Pointe Courte"])) == {mentions, in_summary, tagged}
    assert not touched_articles(["", "  "]).exists()


def test_the_rule_action_reclassifies_the_touched_stories(editor_client):
    make_article(title="Le marché aux puces de Sète")
    make_article(title="Concert au théâtre")
    rule = SectionRule.objects.create(section=Section.objects.get(slug="economie"), phrase="marché aux puces")
    response = editor_client.post(
        "/admin/articles/sectionrule/",
        {"action": "reclassify_rule_articles", "_selected_action": [rule.pk]},
        follow=True,
    )
    assert "1 article(s) concerné(s) reclassé(s)." in response.content.decode()


def test_the_candidate_action_reclassifies_the_touched_stories(editor_client):
    make_article(title="Réunion publique de Jeanne Martin")
    candidate = Candidate.objects.create(name="Jeanne Martin", commune=Commune.objects.get(slug="sete"))
    response = editor_client.post(
        "/admin/articles/candidate/",
        {"action": "reclassify_candidate_articles", "_selected_action": [candidate.pk]},
        follow=True,
    )
    assert "1 article(s) concerné(s) reclassé(s)." in response.content.decode()


def test_an_editor_adds_an_alias_and_reclassifies_with_it(editor_client):
    make_article(title="Travaux impasse des Tamaris")
    response = editor_client.post(
        "/admin/localities/alias/add/",
        {
            "phrase": "impasse des Tamaris",
            "commune": Commune.objects.get(slug="sete").pk,
            "kind": "place",
            "weight": "1",
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    alias = Alias.objects.get(phrase="impasse des Tamaris")
    response = editor_client.post(
        "/admin/localities/alias/",
        {"action": "reclassify_alias_articles", "_selected_action": [alias.pk]},
        follow=True,
    )
    assert "1 article(s) concerné(s) reclassé(s)." in response.content.decode()


def test_editors_add_and_delete_section_rules(editor_client):
    culture = Section.objects.get(slug="culture")
    response = editor_client.post(
        "/admin/articles/sectionrule/add/",
        {"section": culture.pk, "kind": "keyword", "phrase": "vernissage", "weight": "1"},
    )
    assert response.status_code == 302
    rule = SectionRule.objects.get(phrase="vernissage")
    response = editor_client.post(f"/admin/articles/sectionrule/{rule.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SectionRule.objects.filter(pk=rule.pk).exists()
