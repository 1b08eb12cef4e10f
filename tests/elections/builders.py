"""Builders for election tests: fixture paths, edited copies of them, and imports in one call."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from elections.importer import LISTS, RESULTS, ImportSpec, import_file
from elections.reading import FileFigures

FILES = Path(__file__).resolve().parent / "files"
SLUG = "municipales-test"


def fixture(name: str) -> Path:
    return FILES / name


def spec(kind: str = RESULTS, number: int = 1, slug: str = SLUG, **kwargs) -> ImportSpec:
    day = date(2026, 3, 15) if number == 1 else date(2026, 3, 22)
    return ImportSpec(slug, number, kwargs.pop("day", day), kind, kwargs.pop("title", "Municipales de test"), **kwargs)


def import_lists(name: str = "listes.csv", **kwargs) -> FileFigures:
    return import_file(fixture(name), spec(LISTS, **kwargs))


def import_results(name: str = "resultats.csv", number: int = 1, **kwargs) -> FileFigures:
    path = name if isinstance(name, Path) else fixture(name)
    return import_file(path, spec(RESULTS, number, **kwargs))


def edited(tmp_path: Path, name: str, old: str, new: str, count: int = 1, encoding: str = "utf-8") -> Path:
    """A copy of a fixture with ``old`` replaced by ``new`` (``count`` times; checked present)."""
    text = fixture(name).read_text(encoding=encoding)
    assert old in text, f"{old!r} is not in {name}"
    target = tmp_path / f"edited-{name}"
    target.write_text(text.replace(old, new, count), encoding=encoding)
    return target


def reorder_columns(tmp_path: Path, name: str) -> Path:
    """The same file with its fixed columns in reverse order: parsing goes by name, not position."""
    lines = fixture(name).read_text(encoding="utf-8").splitlines()
    rows = [line.split(";") for line in lines]
    fixed = 18
    target = tmp_path / f"reordered-{name}"
    target.write_text("\n".join(";".join(row[:fixed][::-1] + row[fixed:]) for row in rows) + "\n", encoding="utf-8")
    return target
