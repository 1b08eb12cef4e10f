"""apply_classification and reclassify store tags with their reasons and leave editors' choices alone."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.classify import apply_classification, classify_text, current_rules, reclassify
from articles.classify.sections import FORCE_WEIGHT
from articles.models import Article, ArticleCommune, ArticleSection, Candidate, Section, SectionRule
from articles.models.tags import Origin
from localities.models import Commune
from tests.builders import make_article, make_source

pytestmark = pytest.mark.django_db

SETE_MEETING = "Sète : Laura Seguin fait carton plein à son meeting, la dynamique de victoire est lancée"


def communes_of(article: Article) -> dict[str, str]:
    return dict(ArticleCommune.objects.filter(article=article).values_list("commune__slug", "origin"))


def sections_of(article: Article) -> dict[str, str]:
    return dict(ArticleSection.objects.filter(article=article).values_list("section__slug", "origin"))


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("redaction", password="x")


def test_it_tags_communes_and_sections_with_their_provenance():
    article = make_article(title=SETE_MEETING)
    apply_classification(article)

    commune = ArticleCommune.objects.get(article=article)
    assert (commune.commune.slug, commune.origin) == ("sete", Origin.AUTO)
    assert (commune.rule, commune.field, commune.phrase) == ("nom", "préfixe du titre", "Sète")
    assert commune.score > 0
    assert commune.provenance() == "auto : nom « Sète »"
    section = ArticleSection.objects.get(article=article, section__slug="elections")
    assert section.rule == "modèle" and "meeting" in section.phrase  # the section model's top words
    article.refresh_from_db()
    assert article.confidence >= 0.8
    assert article.needs_review is False


def test_a_story_without_commune_is_kept_in_societe_and_flagged_for_review():
    article = make_article(
        title="Meta mise gros sur Scale AI pour rattraper son retard dans la course à l’IA",
        summary="Le géant des réseaux sociaux investit massivement dans la start-up spécialisée en données.",
        categories=["Société"],
    )
    apply_classification(article)
    assert communes_of(article) == {}
    assert sections_of(article)["societe"] == Origin.AUTO
    article.refresh_from_db()
    assert article.needs_review is True


def test_a_named_candidate_brings_elections_and_the_candidates_commune():
    result = classify_text("Marcel Stoecklin dépose un recours", "Il conteste un marché public.")
    assert result.communes == ["gigean"]
    assert "elections" in result.sections
    assert result.reason("commune", "gigean").rule == "candidat·e"


def test_a_candidate_added_by_an_editor_is_recognised_at_once():
    assert "elections" not in classify_text("Jeanne Vidalou inaugure son local").sections
    Candidate.objects.create(name="Jeanne Vidalou", commune=Commune.objects.get(slug="mireval"))
    result = classify_text("Jeanne Vidalou inaugure son local")
    assert result.communes == ["mireval"]
    assert "elections" in result.sections


def test_a_section_rule_edit_is_used_at_once():
    assert "sports" not in classify_text("Sète : la pétanque en fête").sections
    # A rule this heavy forces its section whatever the section model says.
    SectionRule.objects.create(section=Section.objects.get(slug="sports"), phrase="pétanque", weight=FORCE_WEIGHT)
    assert "sports" in classify_text("Sète : la pétanque en fête").sections


def test_the_source_default_commune_applies_only_when_the_story_names_none():
    gigean = Commune.objects.get(slug="gigean")
    source = make_source(name="Mairie de Gigean", url="https://gigean.example/", default_commune=gigean)
    assert classify_text("La crèche ouvre en septembre", source=source).communes == ["gigean"]
    assert classify_text("Fête votive à Poussan", source=source).communes == ["poussan"]
    assert classify_text("Montpellier : le tram arrive", source=source).communes == []
    why = classify_text("La crèche ouvre en septembre", source=source).reason("commune", "gigean")
    assert (why.rule, why.field) == ("commune par défaut de la source", "source")


def test_the_source_default_decides_which_balaruc():
    bains = Commune.objects.get(slug="balaruc-les-bains")
    source = make_source(name="Balaruc-les-Bains infos", url="https://blb.example/", default_commune=bains)
    assert classify_text("Balaruc : le marché de Noël", source=source).communes == ["balaruc-les-bains"]
    unsure = classify_text("Balaruc : le marché de Noël")
    assert unsure.communes == []
    assert unsure.needs_review
    assert "Balaruc" in unsure.notes[0]


def test_feed_categories_give_a_commune_and_a_section():
    result = classify_text("Le marché de Noël ouvre samedi", categories=["Sète", "Culture"])
    assert result.communes == ["sete"]
    assert "culture" in result.sections
    assert result.reason("commune", "sete").field == "catégories"


def test_the_source_default_section_is_added():
    source = make_source(default_section=Section.objects.get(slug="sports"))
    assert "sports" in classify_text("Mèze : belle fin de saison", source=source).sections


def test_it_never_touches_an_editors_tags(editor):
    article = make_article(title=SETE_MEETING)
    sete, gigean = Commune.objects.get(slug="sete"), Commune.objects.get(slug="gigean")
    ArticleCommune.objects.create(article=article, commune=sete, origin=Origin.EDITOR, editor=editor)
    ArticleCommune.objects.create(article=article, commune=gigean, origin=Origin.EDITOR, editor=editor)
    apply_classification(article)
    rows = {row.commune.slug: row for row in ArticleCommune.objects.filter(article=article)}
    assert set(rows) == {"sete", "gigean"}
    assert all(row.origin == Origin.EDITOR and row.rule == "" and row.editor == editor for row in rows.values())


def test_it_never_puts_back_what_an_editor_removed():
    article = make_article(title="Sète et Frontignan : les joutes de l’été")
    article.excluded_communes.add(Commune.objects.get(slug="frontignan"))
    article.excluded_sections.add(Section.objects.get(slug="sports"))
    apply_classification(article)
    assert communes_of(article) == {"sete": Origin.AUTO}
    assert "sports" not in sections_of(article)
    reclassify(Article.objects.all())
    assert communes_of(article) == {"sete": Origin.AUTO}


def test_classifying_again_replaces_only_automatic_tags(editor):
    article = make_article(title="Sète : le port en fête")
    apply_classification(article)
    ArticleSection.objects.create(
        article=article, section=Section.objects.get(slug="economie"), origin=Origin.EDITOR, editor=editor
    )
    Article.objects.filter(pk=article.pk).update(title="Mèze : le port en fête")
    article.refresh_from_db()
    apply_classification(article)
    assert communes_of(article) == {"meze": Origin.AUTO}
    assert sections_of(article)["economie"] == Origin.EDITOR


def test_a_story_an_editor_has_tagged_leaves_the_review_queue(editor):
    article = make_article(title="Cette semaine, rien de neuf")
    apply_classification(article)
    article.refresh_from_db()
    assert article.needs_review is True
    ArticleCommune.objects.create(
        article=article, commune=Commune.objects.get(slug="sete"), origin=Origin.EDITOR, editor=editor
    )
    apply_classification(article)
    article.refresh_from_db()
    assert article.needs_review is False


def test_apply_classification_costs_a_few_queries(django_assert_max_num_queries):
    article = make_article(title=SETE_MEETING, summary="Avec ses colistiers à Frontignan.")
    current_rules()
    with django_assert_max_num_queries(8):
        apply_classification(article)
    with django_assert_max_num_queries(6):
        apply_classification(article)  # nothing changed: reads only


def test_reclassify_runs_over_stored_stories_and_counts_them():
    articles = [make_article(title=f"Gigean : réunion n° {n}") for n in range(5)]
    assert reclassify(Article.objects.filter(pk__in=[a.pk for a in articles[:3]])) == 3
    assert [bool(communes_of(a)) for a in articles] == [True, True, True, False, False]


def test_reclassify_writes_large_batches_with_their_provenance_on_postgresql(postgres):
    source = make_source()
    Article.objects.bulk_create(
        [
            Article(source=source, guid=f"bulk-{n}", url=f"https://x.example/{n}", title="Mèze : le port en fête")
            for n in range(600)
        ]
    )
    assert reclassify(Article.objects.all()) == 600
    tags = ArticleCommune.objects.filter(commune__slug="meze")
    assert tags.count() == 600
    assert set(tags.values_list("origin", "rule", "field", "phrase")) == {
        (Origin.AUTO, "nom", "préfixe du titre", "Mèze")
    }
    assert ArticleSection.objects.count() >= 600
    assert reclassify(Article.objects.all()) == 600  # a second run keeps the same tags
    assert ArticleCommune.objects.count() == 600
