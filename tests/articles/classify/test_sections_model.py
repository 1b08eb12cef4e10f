"""Sections from the model, with the rules as features and editors' overrides.

The headlines and leads are real (© the outlets named); they are the Élections errors the issue lists.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from articles.classify import classify_text, current_rules
from articles.classify.model import train
from articles.classify.rules import compile_rules
from articles.classify.sections import FORCE_WEIGHT
from tests.articles.classify.model_rows import tiny_rows

pytestmark = pytest.mark.django_db

NOT_ELECTIONS = [
    (  # lesinguliersete.fr
        "Mi-mandat à Frontignan : l'opposition dresse un bilan sévère de la gouvernance Michel Arrouy",
        "L’opposition à Frontignan fait le bilan de la gestion à mi-mandat du maire Michel Arrouy, pointant les "
        "failles en matière de sécurité et les promesses non tenues.",
    ),
    (  # lesinguliersete.fr
        "Mèze : gestion financière exemplaire, sortie d’autoroute lancée et échanges respectueux pour clore le mandat",
        "Adoption unanime du Débat d’Orientation Budgétaire 2026, lancement d’une entente intercommunale pour la "
        "sortie d’autoroute et échanges de respect entre majorité et opposition.",
    ),
    (  # ville-gigean.fr
        "Le défilé du 14 juillet",
        "Dans le cadre de la célébration du 14 juillet, Élus et Gigeannais se sont retrouvés devant la Mairie, pour "
        "le défilé.",
    ),
    (  # herault-tribune.com
        "Frontignan : une rentrée normale pour les quelque 4 000 élèves de la ville",
        "Le 2 septembre dernier, 4 000 élèves, dont environ 2 150 en école primaire (maternelle et élémentaire) ont "
        "retrouvé le chemin et les bancs de leur école, collège ou lycée.",
    ),
    (  # thau-infos.fr (mirror)
        "Patrimoine - 38é journées européennes du patrimoine",
        "Le patrimoine de Frontignan la Peyrade se dévoile ce week-end A l’occasion des 38e journées européennes du "
        "patrimoine qui se déroulent les 18 et 19 septembre autour du thème : Patrimoine pour tous",
    ),
    (  # paroles.midiblogs.com
        "Sète : Joutes : Tournois de La St Louis : Le sixième sacre pour Evangelisti",
        "Sète, lundi 22 août 2011 : Une finale de Saint-Louis entre le Sétois Aurélien Evangelisti, cinq fois "
        "vainqueur, et le Frontignanais Claude Massias, quatre titres au compteur.",
    ),
    (  # the demo's front page (articles/demo/files/sete-direct.atom)
        "Sète : le théâtre Molière annonce une saison tournée vers la Méditerranée",
        "Danse, cirque et théâtre venus des deux rives : la nouvelle saison fait la part belle aux créations "
        "régionales.",
    ),
]

ELECTIONS = [
    (  # en-marche.fr
        "LaREM investit ou soutient 38 nouveaux candidat(e)s",
        "24 juillet 2019 - La République En Marche poursuit ses investitures pour les élections de mars 2020.",
    ),
    (  # lessor.fr
        "Ces maires déjà élus dans la Loire",
        "Dans les communes de plus de 10 000 habitants. A Rive-de-Gier, 5e ville de la Loire (en terme de "
        "population) ne revotera pas dimanche.",
    ),
]


@pytest.mark.parametrize(("title", "summary"), NOT_ELECTIONS, ids=lambda value: value[:30])
def test_words_that_are_not_the_election_do_not_tag_elections(title, summary):
    result = classify_text(title, summary)
    assert "elections" not in result.sections, result.as_dict()["why"]


@pytest.mark.parametrize(("title", "summary"), ELECTIONS, ids=lambda value: value[:30])
def test_real_election_stories_the_rules_missed_are_tagged(title, summary):
    assert "elections" in classify_text(title, summary).sections


def test_why_shows_the_words_the_model_weighed_most():
    result = classify_text("Municipales : la tête de liste présente ses colistiers et son programme", "")
    reason = result.reason("section", "elections")
    assert reason.rule == "modèle" and reason.field == "titre"
    words = [word.strip('"') for word in reason.phrase.split(", ")]
    assert len(words) == 3 and all(reason.phrase.count('"') == 6 for _ in words)
    assert {"municipales", "liste", "colistiers"} & set(words)


def test_packed_word_weights_score_as_the_plain_sum_of_the_features():
    """The model's packed integers give the scores of its features summed as floats, to within 1e-6."""
    from articles.classify.model import features
    from articles.classify.text import Text

    model = current_rules().model
    text = Text.of(*NOT_ELECTIONS[0])
    found = features(text.tokens, text.boundary)
    expected = [
        bias + sum(value * model.weights[name][column] for name, value in found.items() if name in model.weights)
        for column, bias in enumerate(model.bias)
    ]
    assert model.score(text.tokens, text.boundary).totals == pytest.approx(expected, abs=1e-6)


def test_the_model_picks_one_other_section_when_it_is_not_an_election():
    result = classify_text("Rugby : le RC Sète s'impose face à Narbonne au stade Louis-Michel", "")
    assert result.sections[0] == "sports" and result.reason("section", "sports").rule == "modèle"


def test_a_heavy_editor_rule_forces_its_section_whatever_the_model_says():
    rules = current_rules()
    tiny = train(tiny_rows())  # knows nothing of the rules nor of "environnement"
    keywords = [("environnement", FORCE_WEIGHT, "défilé"), ("environnement", FORCE_WEIGHT - 1, "concert")]
    forced = compile_rules(rules.places, keywords, [], [], rules.sections, model=tiny)
    result = classify_text("Le défilé du 14 juillet", "", rules=forced)
    assert result.sections[0] != "environnement" and "environnement" in result.sections
    assert result.reason("section", "environnement").rule == "mot-clé imposé"


def test_a_lighter_editor_rule_only_feeds_the_model():
    rules = current_rules()
    tiny = train(tiny_rows())
    light = compile_rules(
        rules.places, [("environnement", FORCE_WEIGHT - 1, "défilé")], [], [], rules.sections, model=tiny
    )
    assert "environnement" not in classify_text("Le défilé du 14 juillet", "", rules=light).sections


def test_a_feed_category_still_adds_its_section_next_to_the_model():
    result = classify_text("Le défilé du 14 juillet", "", categories=["Culture"])
    assert "culture" in result.sections
    assert result.reason("section", "culture").rule == "catégorie du flux"


def test_without_a_model_the_rules_alone_decide():
    rules = replace(current_rules(), model=None)
    result = classify_text("Municipales : la tête de liste présente ses colistiers", "", rules=rules)
    assert result.sections[0] == "elections" and result.reason("section", "elections").rule == "mot-clé"
