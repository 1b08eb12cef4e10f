"""A national file (35,000 communes) streams through in bounded memory and keeps only our communes."""

from __future__ import annotations

import tracemalloc

import pytest

from elections.codes import official_codes
from elections.models import Result
from localities.models import Commune
from tests.elections.builders import fixture, import_results

pytestmark = pytest.mark.django_db

NATIONAL_ROWS = 35_000


def _national_file(tmp_path):
    """Every official code (enough of them) with the Sète row of the fixture's figures."""
    header, sete_row = fixture("resultats.csv").read_text(encoding="utf-8").splitlines()[:2]
    ours = set(Commune.objects.values_list("insee", flat=True))
    codes = sorted(official_codes() - ours)
    path = tmp_path / "national.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + "\n" + sete_row + "\n")
        for code in codes[: NATIONAL_ROWS - 1]:
            out.write(sete_row.replace("34;Hérault;34301;Sète", f"{code[:2]};Ailleurs;{code};Ailleurs", 1) + "\n")
    return path


def test_a_national_file_streams_in_bounded_memory(tmp_path):
    path = _national_file(tmp_path)
    assert path.stat().st_size > 9_000_000  # far more than what the import may hold

    tracemalloc.start()
    try:
        figures = import_results(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert figures.rows == NATIONAL_ROWS and figures.skipped == NATIONAL_ROWS - 1
    assert list(Result.objects.values_list("commune__slug", flat=True)) == ["sete"]
    print(f"national file: {path.stat().st_size / 1e6:.1f} MB, import peak {peak / 1e6:.2f} MB")
    assert peak < 2_000_000, f"peak {peak / 1e6:.1f} MB"
