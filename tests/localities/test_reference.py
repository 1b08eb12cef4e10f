"""The shipped reference files: every commune of France as "outside", hamlets, landmarks, mayors."""

from __future__ import annotations

import time

import pytest

from localities import gazetteer
from localities.gazetteer import words
from localities.outside import Outside
from localities.reference import DATA, reference

pytestmark = pytest.mark.django_db


def found(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(m.kind, m.communes) for m in gazetteer.current().mentions(words(text), text)]


def test_the_files_hold_every_commune_of_france_and_say_where_they_come_from():
    data = reference()
    assert len(data.france) > 34_000
    assert {"vic des pres", "gignac", "marseille", "loupiac", "fronton"} <= set(data.france)
    credits = (DATA / "README.md").read_text(encoding="utf-8")
    assert "france_communes.txt.gz" in credits and "Licence Ouverte" in credits


@pytest.mark.parametrize("text", ["Vic-des-Prés", "Frontignan-Savès", "Vic-sur-Aisne", "Saint-Clair-de-la-Tour"])
def test_a_longer_name_of_elsewhere_hides_ours_and_reads_as_outside(text):
    assert found(text) == [("outside", ())]


def test_our_own_name_is_never_hidden_by_a_namesake_elsewhere():
    # Marseillan (Gers) has the very name of ours: the article decides, not the gazetteer.
    assert found("Marseillan") == [("name", ("marseillan",))]


def test_names_match_as_whole_words_only():
    assert all(not slugs for _kind, slugs in found("Gignac, Marseille, Loupiac, Fronton, Montbazens, Mirabel"))


def test_the_outside_index_finds_a_commune_of_elsewhere_in_a_stretch_of_words():
    outside = Outside(["vic des pres", "agde", "saint louis"], frozenset({"vic"}))
    tokens = words("Résultats à Vic-des-Prés et à Agde")
    assert outside.named(tokens, 0, len(tokens)) == [(2, 5), (7, 8)]
    assert outside.covering(tokens, 2, "vic") == (2, 5)


def test_la_poste_hamlets_point_to_their_commune():
    assert found("La Peyrade") == [("place", ("frontignan",))]


def test_a_landmark_resolves_which_balaruc_an_article_means():
    from articles.classify import classify_text

    result = classify_text("Balaruc : le centre commercial An 2000 s'agrandit", "")
    assert result.communes == ["balaruc-le-vieux"]
    assert result.reason("commune", "balaruc-le-vieux").rule == "mention ambiguë résolue"


def test_a_landmark_alone_never_tags_a_commune():
    from articles.classify import classify_text

    assert classify_text("Le centre commercial An 2000 s'agrandit", "").communes == []


def test_compiling_with_every_commune_of_france_stays_fast():
    gazetteer.load()  # files read once per process
    # CPU time of this process, not wall time: the suite shares the machine with other test processes.
    began = time.process_time()
    gazetteer.load()
    assert time.process_time() - began < 1.5
