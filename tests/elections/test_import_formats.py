"""Each file format the ministry publishes imports into the same lists and results."""

from __future__ import annotations

import pytest

from articles.models import Candidate
from elections.models import Candidacy, Election, ListResult, Person, Result
from tests.elections.builders import SLUG, fixture, import_lists, import_results, reorder_columns

pytestmark = pytest.mark.django_db


def _votes(commune: str, number: int = 1) -> dict[int, int]:
    rows = ListResult.objects.filter(result__commune__slug=commune, result__round__number=number)
    return dict(rows.values_list("candidacy__panel", "votes"))


def test_candidate_lists_keep_our_communes_lists_and_their_heads():
    figures = import_lists()

    assert figures.rows == 6 and figures.skipped == 2
    sete = Candidacy.objects.filter(commune__slug="sete").select_related("head").order_by("panel")
    assert [(c.panel, c.label, c.nuance, c.head.name) for c in sete] == [
        (1, "La vague bleue pour Sète", "Divers centre", "Marie Dupont-Rey"),
        (2, "Sète demain", "Divers droite", "Jean-Luc Bousquet"),
    ]
    assert Candidacy.objects.get(commune__slug="meze").head.slug == "sophie-alibert"
    assert not Candidacy.objects.filter(commune__insee__in=["34172", "75056"]).exists()


def test_heads_of_municipal_lists_become_classifier_candidates():
    import_lists()

    marie = Candidate.objects.get(name="Marie Dupont-Rey")
    assert (marie.commune.slug, marie.list_name, marie.party) == ("sete", "Vague bleue", "LDVC")
    assert not Candidate.objects.filter(name="Paul Lagarrigue").exists()  # not a head of list


def test_results_per_commune_are_read_by_header_name_with_block_numbers_stripped():
    figures = import_results()

    assert figures.skipped == 1  # Montpellier: official, but outside our area
    sete = Result.objects.get(commune__slug="sete")
    counts = (sete.registered, sete.voters, sete.abstentions, sete.expressed, sete.blank, sete.null)
    assert counts == (1000, 1000, 0, 970, 20, 10)
    assert _votes("sete") == {1: 600, 2: 370}
    winner = ListResult.objects.get(result=sete, candidacy__panel=1)
    assert (winner.seats, winner.seats_cc, winner.elected) == (27, 5, True)
    assert Election.objects.get(slug=SLUG).kind == Election.Kind.MUNICIPAL


def test_a_published_percentage_that_disagrees_with_the_counts_is_flagged():
    figures = import_results()

    frontignan = Result.objects.get(commune__slug="frontignan")
    assert frontignan.warnings == ["ligne 4, colonne « % Voix/exprimés 1 » : 46,16% annoncé, 45,16 % recalculé"]
    assert figures.warnings == frontignan.warnings
    assert Result.objects.get(commune__slug="sete").warnings == []


def test_columns_in_another_order_give_the_same_results(tmp_path):
    import_results(reorder_columns(tmp_path, "resultats.csv"))

    sete = Result.objects.get(commune__slug="sete")
    assert (sete.registered, sete.voters, sete.expressed) == (1000, 1000, 970)
    assert _votes("frontignan") == {1: 700, 2: 650, 3: 200}


def test_results_complete_lists_imported_before_without_duplicating_them():
    import_lists()
    import_results()

    assert Candidacy.objects.filter(commune__slug="sete").count() == 2
    assert Person.objects.filter(slug="marie-dupont-rey").count() == 1
    # Frontignan had no lists file: its lists and heads come from the results' blocks.
    assert Candidacy.objects.get(commune__slug="frontignan", panel=2).head.name == "Yves Rouch"


def test_polling_station_files_are_summed_per_commune():
    figures = import_results("bureaux.csv")

    sete = Result.objects.get(commune__slug="sete")
    assert figures.communes["34301"].stations == 3
    assert (sete.registered, sete.voters, sete.expressed, sete.blank, sete.null) == (1000, 900, 870, 20, 10)
    assert _votes("sete") == {1: 600, 2: 270}
    assert sete.warnings == []


def test_presidential_latin1_file_with_repeated_unnumbered_blocks():
    figures = import_results("presidentielle.csv", slug="presidentielle-test")

    election = Election.objects.get(slug="presidentielle-test")
    assert election.kind == Election.Kind.PRESIDENTIAL
    assert figures.skipped == 1  # Lyon
    assert _votes("sete") == {1: 900, 2: 700, 3: 400}
    assert _votes("gigean") == {1: 500, 2: 200, 3: 180}
    assert Candidacy.objects.get(commune__slug="sete", panel=2).head.name == "Noël Inventé"
    assert Result.objects.get(commune__slug="sete").warnings == []
    # A presidential candidate is no local figure: the classifier must not tie them to a commune.
    assert not Candidate.objects.filter(name__in=["Élise Fictive", "Noël Inventé"]).exists()


def test_presidential_header_naming_only_the_first_block(tmp_path):
    path = tmp_path / "premier-bloc.csv"
    lines = fixture("presidentielle.csv").read_text(encoding="latin-1").splitlines()
    header = lines[0].split(";")
    lines[0] = ";".join(header[: len(header) - 14])  # only the first candidate's seven columns are named
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")

    import_results(path, slug="presidentielle-test")

    assert _votes("sete") == {1: 900, 2: 700, 3: 400}
