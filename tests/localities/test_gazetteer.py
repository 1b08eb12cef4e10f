"""The gazetteer finds communes however they are written, and falls for none of the known traps."""

from __future__ import annotations

import re
import unicodedata

import pytest

from localities import gazetteer
from localities.gazetteer import PhraseIndex, clean, fold, words
from localities.models import Alias, Commune, Revision

pytestmark = pytest.mark.django_db


def named(text: str) -> list[str]:
    """Slugs of the communes the text names, in order (ambiguous mentions give none)."""
    text = clean(text)
    found = gazetteer.current().mentions(words(text), text)
    return [m.communes[0] for m in found if len(m.communes) == 1 and m.kind not in ("outside", "hint")]


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Sète", "sete"),
        ("SETE : la rentrée", "sete"),
        ("à sete hier", "sete"),
        ("Frontignan", "frontignan"),
        ("Balaruc le Vieux", "balaruc-le-vieux"),
        ("BALARUC-LE-VIEUX.", "balaruc-le-vieux"),
        ("Balaruc-les-Bains", "balaruc-les-bains"),
        ("Vic la Gardiole", "vic-la-gardiole"),
        ("MEZE", "meze"),
        ("Frontignan la Peyrade", "frontignan"),
        ("Frontignan-la-Peyrade", "frontignan"),
        ("les Sétoises", "sete"),
        ("un Frontignanais", "frontignan"),
        ("les Gigeanaises", "gigean"),
        ("un Mézois", "meze"),
        ("Marseillanais", "marseillan"),
        ("Poussannais", "poussan"),
        ("La Peyrade", "frontignan"),
        ("Frontignan-Plage", "frontignan"),
        ("Marseillan-Plage", "marseillan"),
        ("la Pointe Courte", "sete"),
        ("l’Île de Thau", "sete"),
        ("le mont Saint-Clair", "sete"),
        ("la Corniche de Neuburg", "sete"),
        ("le Quartier Haut", "sete"),
        ("le Théâtre de la Mer", "sete"),
        ("l’abbaye de Valmagne", "villeveyrac"),
        ("l’Île singulière", "sete"),
        ("l'ile singuliere", "sete"),
    ],
)
def test_it_finds_names_variants_demonyms_places_and_nicknames(text, slug):
    assert named(text) == [slug]


def test_it_reads_typographic_apostrophes_nbsp_and_html_entities():
    assert named("L\u2019\u00cele\u00a0singuli\u00e8re") == ["sete"]
    assert named("S&egrave;te&nbsp;: le port") == ["sete"]
    assert named("<p>Balaruc\u2011le\u2011Vieux</p>") == ["balaruc-le-vieux"]
    assert named("«\u202fMèze\u202f»") == ["meze"]


def test_folding_keeps_positions():
    text = "L’Île singulière, SÈTE\u00a0!"
    assert len(fold(text)) == len(text)
    assert fold(text) == "l'ile singuliere, sete !"


@pytest.mark.parametrize(
    "text",
    [
        "L’Île singulière\u00a0: «\u202fSète\u202f» — cœur de l’agglo…",
        "10€50 le m², 3°C, café·bar, naïve noël, ÇA VA, ÜBER ÅNGSTRÖM",
        "decomposed: Se\u0300te, Me\u0301ze, Balaruc-les-Bains_2, Αθήνα, Москва",
        "مرحبا สวัสดี 中文字 ﬁn ẞ ı",
        "",
    ],
)
def test_words_are_the_regex_words_of_the_decomposed_text_without_marks(text):
    """The fast paths of ``words`` (replacements, byte translation) cut exactly as the plain definition does."""
    plain = re.sub(r"[\u0300-\u036f]+", "", unicodedata.normalize("NFD", text.lower()))
    assert words(text) == re.findall(r"\w+", plain)


def test_the_longest_phrase_wins():
    assert named("Balaruc-les-Bains et Frontignan-Plage") == ["balaruc-les-bains", "frontignan"]


@pytest.mark.parametrize(
    "text",
    [
        "Cette année, le festival revient",
        "dans cette ville",
        "CETTE DÉCISION",
        "Balaruc : la fête",
        "les Balarucois",
        "Sète agglopôle vote son budget",
        "Sète Agglopôle Méditerranée",
        "Thau agglo",
        "Montpellier, Montagnac et Agde",
        "Marseille",
        "Mireval-Lauragais",
        "Sétif",
        "Frontignanesque",
        "gigeantesque",
        "poussant",
        "un mezzé",
    ],
)
def test_traps_name_no_commune(text):
    assert named(text) == []


def test_a_street_named_after_another_town_is_not_that_town():
    assert named("Gigean : travaux route de Montbazin") == ["gigean"]
    assert named("avenue de Sète à Balaruc-les-Bains") == ["balaruc-les-bains"]
    assert named("chemin de Montbazin, rue de Frontignan, boulevard de Sète") == []
    assert named("De Montbazin à Gigean") == ["montbazin", "gigean"]


def test_cette_counts_only_in_an_explicit_historical_context():
    assert named("Le port de Cette en 1900") == ["sete"]
    assert named("Cette, ancien nom de la ville") == []  # sentence start: the pronoun, not the town
    assert named("Une carte postale ancienne du port de Cette") == ["sete"]
    assert named("Le port de cette ville en 1900") == []
    assert named("Le port de Cette aujourd’hui") == []


def test_phrase_index_matches_a_word_stem_and_the_longest_phrase_first():
    index = PhraseIndex([("candidat*", "c"), ("tête de liste", "t"), ("tête", "x"), ("candidats au bac", "b")])
    found = index.find(words("Les candidates et la tête de liste ; les candidats au bac"))
    assert [(key, payloads) for _, _, key, payloads in found] == [
        ("candidat*", ["c"]),
        ("tete de liste", ["t"]),
        ("candidats au bac", ["b"]),
    ]


def test_an_alias_added_in_the_admin_is_used_at_once():
    assert named("Le Creux de Miège") == []
    Alias.objects.create(phrase="Creux de Miège", commune=Commune.objects.get(slug="vic-la-gardiole"), kind="place")
    assert named("Le Creux de Miège") == ["vic-la-gardiole"]
    Alias.objects.filter(phrase="Creux de Miège").get().delete()
    assert named("Le Creux de Miège") == []


def test_a_disabled_alias_is_ignored():
    alias = Alias.objects.get(phrase="Onglous")
    alias.enabled = False
    alias.save()
    assert named("la pointe des Onglous") == ["marseillan"]
    assert named("les Onglous") == []


def test_alias_edits_bump_the_revision_other_processes_check():
    before = gazetteer.revision("gazetteer")
    Alias.objects.create(phrase="Issanka", commune=Commune.objects.get(slug="poussan"), kind="place")
    assert gazetteer.revision("gazetteer") == before + 1
    assert Revision.objects.get(name="gazetteer").number == before + 1


def test_the_seed_covers_every_commune_by_name():
    names = set(Alias.objects.filter(kind="name").values_list("commune__slug", flat=True))
    assert names == set(Commune.objects.values_list("slug", flat=True))
