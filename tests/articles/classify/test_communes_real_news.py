"""Real local news, one test per kind of error seen in real text: passing mentions, area-wide stories,
homonyms and old names, people.

Headlines and short extracts of leads are quoted from the outlets named beside each case (stored
public pages, the corpora's stories/dev.jsonl), for testing only.
"""

from __future__ import annotations

import pytest

from articles.classify import classify_text

pytestmark = pytest.mark.django_db


def communes(title: str, summary: str = "") -> list[str]:
    return classify_text(title, summary).communes


def test_an_agglomeration_council_held_in_a_town_does_not_tag_a_town_named_in_passing():
    # blog.ville-poussan.fr
    title = (
        "18 points à l’ordre du jour du Conseil Communautaire de Sète Agglopôle méditerranée, ce 19 mai, à Bouzigues"
    )
    summary = (
        "Sète Agglopôle méditerranée tenait ce jeudi 19 mai 2022 son conseil communautaire du mois à la salle "
        "Fringadelle de Bouzigues avec 18 points à l’ordre du jour et une introduction animée car des membres du "
        "Collectif « Bancs publics de Sète », une vingtaine, s’étaient déplacés en désirant s’exprimer…"
    )
    assert "sete" not in communes(title, summary)


def test_a_joutes_champion_from_setes_story_ignores_the_rival_s_origin_and_a_namesake_candidate():
    # paroles.midiblogs.com
    title = "Sète : Joutes : Tournois de La St Louis : Le sixième sacre pour Evangelisti"
    summary = (
        "Sète, lundi 22 août 2011 : Une finale de Saint-Louis entre le Sétois Aurélien Evangelisti, cinq fois "
        "vainqueur, et le Frontignanais Claude Massias, quatre titres au compteur."
    )
    assert communes(title, summary) == ["sete"]


def test_a_lagoon_wide_die_off_gets_no_commune_and_says_why():
    # e-metropolitain.fr
    title = "Étang de Thau : la « Malaïgue » a décimé 4 000 tonnes d’huîtres et moules"
    summary = (
        "Le chiffre donne le vertige : 4 000 tonnes d’huîtres et de moules élevées dans l’étang de Thau qui "
        "s’étend aux portes de Sète, jusqu’à Mèze et Marseillan ont été tuées par la » Malaïgue »."
    )
    result = classify_text(title, summary)
    assert result.communes == []
    assert any("Bassin de Thau" in note for note in result.notes)


def test_a_canton_race_does_not_tag_the_towns_of_its_boundary_note():
    # languedoc-socialiste.blog4ever.com
    title = "En route vers les départementales : le canton de Mèze"
    summary = (
        "Le nouveau canton de Mèze comprend les communes des anciens cantons de Mèze et de Montagnac, sauf "
        "Gigean, rattaché à Frontignan."
    )
    assert communes(title, summary) == []


def test_where_a_quay_ends_is_not_the_story_s_town():
    # ensemblepoursete.fr
    title = "Plaisanciers du quai des Moulins"
    summary = "L’éclairage est présent jusqu’à la clinique Sainte Thérèse, puis disparait jusqu’à Frontignan."
    assert "frontignan" not in communes(title, summary)


def test_an_exhibition_s_venue_wins_over_the_school_where_the_painter_trained():
    # thau-infos.fr
    title = "Françoise Soler expose au Pavillon Sévigné"
    summary = (
        "Françoise SOLER - VERNAY expose du 01/11 au 07 novembre au Pavillon Sévigné à Balaruc-les-Bains Elle "
        "débute l'aquarelle par un stage dans le Sud Marocain et a évolué par la suite vers l'acrylique et "
        "l'huile à l'Ecole des Beaux Arts de Sète."
    )
    assert communes(title, summary) == ["balaruc-les-bains"]


def test_a_town_that_only_locates_the_subject_village_is_left_out():
    # thau-infos.fr
    title = "Musée de l'étang de Thau à Bouzigues"
    summary = "Entre Mèze et Sète, ce village de pêcheurs typiquement méditerranéen trouve ses ressources dans Thau."
    assert communes(title, summary) == ["bouzigues"]


def test_a_homonym_elsewhere_in_france_is_not_ours():
    # francetvinfo.fr
    title = "Résultats des élections municipales : Vic-des-Prés"
    summary = "Les citoyens de Vic-des-Prés se sont rendus aux urnes pour les élections municipales du 15 mars 2020."
    assert communes(title, summary) == []


@pytest.mark.parametrize("title", ["Frontignan-Savès : la fête du village", "Mireval-Lauragais fête son école"])
def test_a_longer_commune_name_that_contains_ours_is_not_ours(title):
    assert communes(title) == []


def test_the_old_spelling_sette_names_sete_in_a_historical_story():
    # thau-infos.fr
    title = "Sette, juillet 1791 : un nouvel ordre s'instaure."
    summary = (
        "Après l'écroulement de l'Ancien Régime politique et social, l'Assemblée constituante s'est efforcée de bâtir."
    )
    assert communes(title, summary) == ["sete"]


def test_the_word_cette_opening_a_lead_is_not_the_old_name_of_sete():
    # blog.ville-poussan.fr
    title = "Une Sainte Catherine ventée"
    summary = (
        "Cette année, comme les précédentes, la Foire de la Sainte Catherine avait des accents particuliers, car "
        "autrefois c’était un jour de grande fête pour de nombreux Poussannais."
    )
    assert communes(title, summary) == ["poussan"]


def test_a_mayor_named_as_mayor_points_to_the_commune():
    result = classify_text("Le maire Michel Arrouy inaugure la nouvelle école", "")
    assert result.communes == ["frontignan"]
    assert result.reason("commune", "frontignan").rule == "maire"


def test_an_agglomeration_president_named_in_a_lead_does_not_tag_his_town():
    # thau-infos.fr
    title = "Le Conseil de développement fait son bilan annuel !"
    summary = (
        "Le Conseil de développement a organisé son assemblée plénière ce 9 novembre en présence de François "
        "Commeinhes, Président de Sète Agglopôle Méditerranée."
    )
    assert communes(title, summary) == []


def test_a_stretch_between_two_towns_names_both():
    # bobrtimes.com
    title = "300 hectares brûlés, le plus gros incendie de l’été a ravagé le massif de la Gardiole"
    summary = "Le massif a été ravagé en quelques heures de Gigean à Frontignan."
    assert sorted(communes(title, summary)) == ["frontignan", "gigean"]


def test_a_set_aside_mention_is_explained_and_every_tag_keeps_its_provenance():
    result = classify_text(
        "Musée de l'étang de Thau à Bouzigues", "Entre Mèze et Sète, ce village de pêcheurs vit de l'étang."
    )
    assert any("Mèze" in note and "en passant" in note for note in result.notes)
    reason = result.reason("commune", "bouzigues")
    assert (reason.rule, reason.field) in {("lieu", "titre"), ("nom", "titre")}
    assert reason.phrase
