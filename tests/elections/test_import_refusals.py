"""A bad file is refused whole, with a French error naming the line and the column; nothing changes."""

from __future__ import annotations

import pytest

from elections.importer import ImportRefused
from elections.models import Candidacy, Election, ListResult, Result
from tests.elections.builders import edited, import_lists, import_results

pytestmark = pytest.mark.django_db


def _snapshot() -> list:
    return [
        list(Election.objects.values_list("slug", "title")),
        list(Result.objects.order_by("pk").values_list("commune__slug", "voters", "expressed")),
        list(ListResult.objects.order_by("pk").values_list("candidacy__panel", "votes")),
        list(Candidacy.objects.order_by("pk").values_list("commune__slug", "panel", "label")),
    ]


@pytest.fixture
def imported():
    """A first, good import: a refused file must leave it exactly as it was."""
    import_results()
    return _snapshot()


# case: (text in resultats.csv, replaced by, the error)
CASES = {
    "missing column": (";Exprimés;", ";Suffrages;", "ligne 1, colonne « Exprimés » : colonne obligatoire absente"),
    "non-numeric count": (
        ";1000;1000;",
        ";mille;1000;",
        "ligne 2, colonne « Inscrits » : nombre attendu, lu « mille »",
    ),
    "votes above voters": (
        ";DUPONT-REY;Marie;F;600;",
        ";DUPONT-REY;Marie;F;1600;",
        "ligne 2, colonne « Voix 1 » : plus de voix que de votants",
    ),
    "voters above registered": (
        ";Montpellier;500;310;",
        ";Montpellier;500;590;",
        "ligne 3, colonne « Votants » : plus de votants que d’inscrits",
    ),
    "unknown commune": (
        "34;Hérault;34172;Montpellier",
        "34;Hérault;34999;Nulle-Part",
        "ligne 3, colonne « Code commune » : le code commune « 34999 » n’existe pas dans la liste officielle",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_results_file_is_refused_whole_and_changes_nothing(case, imported, tmp_path):
    old, new, message = CASES[case]

    with pytest.raises(ImportRefused) as refused:
        import_results(edited(tmp_path, "resultats.csv", old, new), title="Un autre titre")

    assert str(refused.value) == message
    assert _snapshot() == imported


def test_a_commune_unknown_in_france_refuses_a_lists_file_even_outside_our_area(tmp_path):
    path = edited(tmp_path, "listes.csv", "75;Paris;75056;Paris", "75;Paris;75999;Paris")

    with pytest.raises(ImportRefused, match="ligne 7, colonne « Code circonscription » : le code commune « 75999 »"):
        import_lists(path)

    assert not Candidacy.objects.exists() and not Election.objects.exists()


def test_a_lists_file_without_a_required_column_is_refused(tmp_path):
    path = edited(tmp_path, "listes.csv", "Tête de liste;", "Chef de file;")

    with pytest.raises(ImportRefused, match="colonne « Tête de liste » : colonne obligatoire absente"):
        import_lists(path)


def test_a_non_numeric_vote_in_a_latin1_presidential_block_names_its_column(tmp_path):
    path = edited(tmp_path, "presidentielle.csv", ";INVENTÉ;Noël;700;", ";INVENTÉ;Noël;7OO;", encoding="latin-1")

    with pytest.raises(ImportRefused, match="ligne 2, colonne « Voix » : nombre attendu, lu « 7OO »"):
        import_results(path, slug="presidentielle-test")


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportRefused, match="vide"):
        import_results(path)
