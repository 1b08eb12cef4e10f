"""Reference data shipped in ``localities/data/`` and read when the gazetteer compiles.

These lists are large or derived (every commune of France, FANTOIR place names, mayors), so they
live in files rather than as thousands of ``Alias`` rows: migrations and test databases stay
fast, and an editor's alias always wins over a file entry with the same phrase.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Reference:
    france: tuple[str, ...]  # folded names of every commune and former commune of France
    places: tuple[tuple[str, str, float, str], ...]  # (slug, kind, weight, phrase)
    people: tuple[tuple[str, str, str], ...]  # (slug, full name, role)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def reference() -> Reference:
    """The shipped files, read once per process (they change only with a release)."""
    with gzip.open(DATA / "france_communes.txt.gz", "rt", encoding="utf-8") as handle:
        france = tuple(line for line in handle.read().splitlines() if line)
    places = tuple((row["slug"], row["kind"], float(row["weight"]), row["phrase"]) for row in _rows("places_thau.csv"))
    people = tuple((row["slug"], row["name"], row["role"]) for row in _rows("people_thau.csv"))
    return Reference(france=france, places=places, people=people)
