"""manage.py import_election: the same import from the command line, refusals as clear errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from elections.models import Election, Result, Round
from tests.elections.builders import edited, fixture

pytestmark = pytest.mark.django_db

ARGS = ["--election", "municipales-2026", "--title", "Municipales 2026", "--round", "1", "--date", "2026-03-15"]


def test_the_command_imports_lists_then_results_and_reports_what_it_kept():
    out = io.StringIO()
    call_command("import_election", *ARGS, "--lists", str(fixture("listes.csv")), stdout=out)
    call_command("import_election", *ARGS, "--results", str(fixture("resultats.csv")), stdout=out)

    election = Election.objects.get(slug="municipales-2026")
    assert election.title == "Municipales 2026"
    assert Round.objects.get(election=election).date.isoformat() == "2026-03-15"
    assert Result.objects.filter(round__election=election).count() == 2
    report = out.getvalue()
    assert "3 lignes lues, 2 communes du territoire importées, 1 lignes hors territoire ignorées." in report
    assert "Écart de pourcentage : ligne 4, colonne « % Voix/exprimés 1 »" in report


def test_a_refused_file_is_a_command_error_in_french(tmp_path):
    path = edited(tmp_path, "resultats.csv", ";1000;1000;", ";1000;beaucoup;")

    with pytest.raises(CommandError, match="Fichier refusé, rien n’a été importé : ligne 2, colonne « Votants »"):
        call_command("import_election", *ARGS, "--results", str(path))

    assert not Election.objects.exists()


def test_a_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("import_election", *ARGS, "--results", "/nonexistent/resultats.csv")
