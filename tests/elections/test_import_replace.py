"""Importing again changes nothing; a second results file for a round replaces it."""

from __future__ import annotations

import pytest

from articles.models import Candidate
from elections.models import Candidacy, ListResult, Person, Result, Round
from tests.elections.builders import edited, import_lists, import_results

pytestmark = pytest.mark.django_db


def _state() -> list:
    return [
        list(Result.objects.order_by("commune__slug").values_list("commune__slug", "registered", "voters", "warnings")),
        list(ListResult.objects.order_by("result__commune__slug", "candidacy__panel").values_list("votes", "seats")),
        list(Candidacy.objects.order_by("commune__slug", "panel").values_list("panel", "label", "head__slug")),
        Person.objects.count(),
        list(Candidate.objects.order_by("name").values_list("name", "list_name")),
        list(Round.objects.values_list("number", "date")),
    ]


def test_importing_the_same_files_twice_changes_nothing():
    import_lists()
    import_results()
    first = _state()

    import_lists()
    import_results()

    assert _state() == first


def test_a_second_results_file_for_a_round_replaces_its_results(tmp_path):
    import_results()
    corrected = edited(tmp_path, "resultats.csv", ";DUPONT-REY;Marie;F;600;", ";DUPONT-REY;Marie;F;590;")
    lines = corrected.read_text(encoding="utf-8").splitlines()
    corrected.write_text("\n".join(line for line in lines if "Frontignan" not in line) + "\n", encoding="utf-8")

    import_results(corrected)

    assert list(Result.objects.values_list("commune__slug", flat=True)) == ["sete"]
    assert ListResult.objects.get(candidacy__commune__slug="sete", candidacy__panel=1).votes == 590
    assert Result.objects.get().warnings  # 590 no longer matches the published 61,86 %


def test_the_second_round_is_kept_apart_from_the_first():
    import_results()
    import_results(number=2)

    assert Result.objects.filter(round__number=1).count() == Result.objects.filter(round__number=2).count() == 2
    assert Candidacy.objects.filter(commune__slug="sete").count() == 2


def test_a_refused_second_file_leaves_the_first_in_place(tmp_path):
    import_results()
    before = _state()

    with pytest.raises(ValueError):
        import_results(edited(tmp_path, "resultats.csv", ";1000;1000;", ";1000;x;"))

    assert _state() == before
