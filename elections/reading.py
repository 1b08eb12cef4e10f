"""Read a whole ministry file row by row, check every row, and keep only our communes' figures.

Nothing is written here: a file is either read to the end without fault, giving small per-commune
totals (at most our 14 communes, whatever the file's size), or refused with ``ImportRefused``.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import BinaryIO

from elections import formats
from elections.codes import commune_code, official_codes
from elections.parsing import (
    ImportRefused,
    Layout,
    cell,
    extend_blocks,
    normalise,
    parse_count,
    parse_percent,
    read_layout,
    rows,
)


@dataclass
class ListFigures:
    panel: int
    nuance_code: str = ""
    nuance: str = ""
    short_label: str = ""
    label: str = ""
    first_name: str = ""
    last_name: str = ""
    sex: str = ""
    votes: int = 0
    seats: int = 0
    seats_cc: int = 0
    elected: bool = False


@dataclass
class CommuneFigures:
    insee: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(formats.COUNTS, 0))
    lists: dict[int, ListFigures] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    stations: int = 0


@dataclass
class FileFigures:
    communes: dict[str, CommuneFigures] = field(default_factory=dict)
    rows: int = 0
    skipped: int = 0  # rows of communes outside our area
    numbered: bool = True  # False for presidential-style files (unnumbered repeated blocks)

    @property
    def warnings(self) -> list[str]:
        return [w for c in self.communes.values() for w in c.warnings]


def _header(stream: BinaryIO, fixed: dict[str, str], block: dict[str, str]):
    reader = rows(stream)
    headers = next(reader, None)
    if not headers or not any(h.strip() for h in headers):
        raise ImportRefused("le fichier est vide ou n’a pas de ligne d’en-tête", 1)
    return reader, read_layout(headers, fixed, block)


def _official(layout: Layout, row: list[str], line: int) -> str:
    code = commune_code(cell(row, layout.fixed.get("department")), cell(row, layout.fixed["commune"]))
    if code not in official_codes():
        column = layout.headers[layout.fixed["commune"]]
        raise ImportRefused(f"le code commune « {code} » n’existe pas dans la liste officielle", line, column)
    return code


def read_lists(stream: BinaryIO, ours: Container[str]) -> FileFigures:
    """Candidate lists (17 columns, one row per candidate): each list of our communes and its head."""
    reader, layout = _header(stream, formats.LISTS_FIXED, {})
    layout.require(formats.LISTS_REQUIRED)
    figures = FileFigures()
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        figures.rows += 1
        code = _official(layout, row, line)
        panel = parse_count(cell(row, layout.fixed["panel"]), line, layout.headers[layout.fixed["panel"]])
        if code not in ours:
            figures.skipped += 1
            continue
        commune = figures.communes.setdefault(code, CommuneFigures(code))
        found = commune.lists.setdefault(panel, ListFigures(panel))
        for key in ("short_label", "label", "nuance_code", "nuance"):
            setattr(found, key, getattr(found, key) or cell(row, layout.fixed.get(key)))
        is_head = cell(row, layout.fixed["head"]).upper() in ("O", "OUI", "1", "VRAI")
        if is_head or (not found.last_name and cell(row, layout.fixed.get("order")) == "1"):
            found.first_name = cell(row, layout.fixed["first_name"])
            found.last_name = cell(row, layout.fixed["last_name"])
            found.sex = cell(row, layout.fixed.get("sex"))[:1]
    return figures


def read_results(stream: BinaryIO, ours: Container[str]) -> FileFigures:
    """Results per commune or per polling station (``Code BV``), summed per commune."""
    reader, layout = _header(stream, formats.RESULTS_FIXED, formats.RESULTS_BLOCK)
    layout.require(formats.RESULTS_REQUIRED, formats.BLOCK_REQUIRED)
    figures = FileFigures(numbered=normalise(layout.headers[layout.blocks[0]["panel"]])[1] is not None)
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        figures.rows += 1
        code = _official(layout, row, line)
        counts = {key: _count(layout, row, key, line) for key in formats.COUNTS}
        if counts["voters"] > counts["registered"]:
            raise ImportRefused("plus de votants que d’inscrits", line, layout.headers[layout.fixed["voters"]])
        lists = _lists(layout, row, line, counts)
        if code not in ours:
            figures.skipped += 1
            continue
        commune = figures.communes.setdefault(code, CommuneFigures(code))
        commune.stations += 1
        commune.warnings += _percent_warnings(layout, row, line, counts, lists)
        for key, value in counts.items():
            commune.counts[key] += value
        for found, _block in lists:
            total = commune.lists.setdefault(found.panel, ListFigures(found.panel))
            for key in ("nuance_code", "short_label", "label", "first_name", "last_name", "sex"):
                setattr(total, key, getattr(total, key) or getattr(found, key))
            total.votes += found.votes
            total.seats += found.seats
            total.seats_cc += found.seats_cc
            total.elected = total.elected or found.elected
    return figures


def _count(layout: Layout, row: list[str], key: str, line: int) -> int:
    index = layout.fixed[key]
    return parse_count(cell(row, index), line, layout.headers[index])


def _column(layout: Layout, index: int) -> str:
    """A column's header, or its position when the header names only the first block."""
    return layout.headers[index] if index < len(layout.headers) and layout.headers[index] else f"colonne {index + 1}"


def _block_header(layout: Layout, block: dict[str, int], key: str) -> str:
    return _column(layout, block[key])


def _lists(layout: Layout, row: list[str], line: int, counts: dict[str, int]) -> list[tuple]:
    found = []
    total = 0
    for block in extend_blocks(layout, len(row)):
        panel = cell(row, block.get("panel"))
        if not panel:
            continue  # files pad every row to the largest number of lists
        figures = ListFigures(parse_count(panel, line, _block_header(layout, block, "panel")))
        figures.votes = parse_count(cell(row, block["votes"]), line, _block_header(layout, block, "votes"))
        for key in ("nuance_code", "short_label", "label", "first_name", "last_name"):
            setattr(figures, key, cell(row, block.get(key)))
        figures.sex = cell(row, block.get("sex"))[:1]
        for key in ("seats", "seats_cc"):
            value = cell(row, block.get(key))
            setattr(figures, key, parse_count(value, line, _block_header(layout, block, key)) if value else 0)
        figures.elected = cell(row, block.get("elected")).upper() in ("O", "OUI", "ELU", "ÉLU", "1")
        total += figures.votes
        if total > counts["voters"]:
            raise ImportRefused("plus de voix que de votants", line, _block_header(layout, block, "votes"))
        found.append((figures, block))
    return found


def _percent_warnings(layout, row, line, counts, lists) -> list[str]:
    warnings = []
    for key, (numerator, denominator) in formats.FIXED_PERCENTS.items():
        if key in layout.fixed:
            warnings += _check(row, layout.fixed[key], counts[numerator], counts[denominator], layout, line)
    for figures, block in lists:
        for key, denominator in formats.BLOCK_PERCENTS.items():
            if key in block:
                warnings += _check(row, block[key], figures.votes, counts[denominator], layout, line)
    return warnings


def _check(row, index, numerator, denominator, layout, line) -> list[str]:
    given = parse_percent(cell(row, index))
    if given is None:
        return []
    computed = 100 * numerator / denominator if denominator else 0.0
    if abs(given - computed) <= formats.PERCENT_TOLERANCE:
        return []
    header = _column(layout, index)
    recomputed = f"{computed:.2f}".replace(".", ",")
    return [f"ligne {line}, colonne « {header} » : {cell(row, index)} annoncé, {recomputed} % recalculé"]
