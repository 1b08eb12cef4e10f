"""Salience: the headline, the lead's first sentence, venues and lists decide the article's commune."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from articles.classify import classify_text
from localities.models import Commune

pytestmark = pytest.mark.django_db


def communes(title: str, summary: str = "", source=None) -> list[str]:
    return classify_text(title, summary, source=source).communes


def test_a_headline_town_keeps_a_second_town_named_plainly_in_the_lead():
    assert communes("Frontignan : le programme des joutes", "Les tournois auront lieu à Sète.") == [
        "frontignan",
        "sete",
    ]


def test_three_towns_listed_in_the_lead_make_an_area_wide_article():
    summary = "Les marchés de Bouzigues, Loupian, Mèze et Poussan changent d'horaires."
    assert communes("Marchés paysans : les nouveaux horaires", summary) == []


def test_a_list_of_venues_keeps_each_town():
    summary = "Tour d’horizon des candidats déclarés à Sète, Frontignan et Mèze."
    assert sorted(communes("Municipales : les enjeux dans les communes du bassin de Thau", summary)) == [
        "frontignan",
        "meze",
        "sete",
    ]


def test_a_headline_that_names_a_listed_town_keeps_it():
    title = "Le Tour de l’étang à la rame passe par Marseillan, Mèze et Bouzigues"
    assert sorted(communes(title)) == ["bouzigues", "marseillan", "meze"]


def test_an_area_wide_headline_keeps_the_one_town_the_lead_opens_with():
    title = "Bassin de Thau : un plan canicule pour les aînés"
    assert communes(title, "La ville de Sète ouvre trois salles rafraîchies. Les inscriptions sont ouvertes.") == [
        "sete"
    ]


def test_an_area_wide_headline_drops_a_town_named_later_without_being_the_venue():
    title = "Agglo : le conseil communautaire vote le budget"
    summary = "Les élus ont adopté le budget. Le maire de Poussan a rappelé ses réserves sur la collecte de Mèze."
    assert communes(title, summary) == []


def test_an_area_wide_article_does_not_take_its_source_s_default_commune():
    source = SimpleNamespace(default_commune=Commune.objects.get(slug="sete"), __str__=lambda self: "Thau Infos")
    assert communes("Étang de Thau : les moules ont souffert de la chaleur", "", source) == []
    assert communes("La fête des vendanges approche", "", source) == ["sete"]


def test_a_headline_demonym_before_a_name_is_a_person_s_origin_and_counts_less():
    result = classify_text("Le Frontignanais Paul Durand tête de liste à Vic-la-Gardiole", "")
    assert result.communes[0] == "vic-la-gardiole"
    assert result.reason("commune", "vic-la-gardiole").score > result.reason("commune", "frontignan").score


def test_a_guest_s_office_does_not_add_his_town_to_a_story_set_elsewhere():
    summary = "La salle a été inaugurée en présence de Jean Dupont, maire de Sète, et des associations."
    assert communes("Mèze : la nouvelle salle des fêtes inaugurée", summary) == ["meze"]


def test_a_mayor_s_office_names_the_subject_when_no_other_town_is_named():
    assert communes("Le maire de Sète présente ses vœux", "") == ["sete"]
    assert communes("Vœux à la population", "Le maire de Sète a présenté ses vœux samedi.") == ["sete"]
