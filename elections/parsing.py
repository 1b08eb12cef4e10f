"""Reading the Interior ministry's `;`-separated files: encoding, header names, French numbers.

Columns are found by name, never by position: a header is compared without accents, case or its
trailing block number ("Voix 3" is "voix" of block 3), since the ministry renames and reorders
columns at almost every election. Unknown columns are ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK = 1 << 16  # encoding check: read this much at a time


class ImportRefused(ValueError):
    """The whole file is refused; the message (French) names the line and the column."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None):
        where = []
        if line is not None:
            where.append(f"ligne {line}")
        if column:
            where.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(where)} : {message}" if where else message)
        self.line = line
        self.column = column


def detect_encoding(stream: BinaryIO) -> str:
    """UTF-8 (with or without BOM) when every byte decodes, else latin-1; reads in chunks, then rewinds."""
    start = stream.read(3)
    encoding = "utf-8-sig" if start == codecs.BOM_UTF8 else "utf-8"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(start)
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "latin-1"
    stream.seek(0)
    return encoding


def rows(stream: BinaryIO) -> Iterator[list[str]]:
    """The file's rows, one at a time, whatever its size."""
    text = io.TextIOWrapper(stream, encoding=detect_encoding(stream), newline="")
    try:
        yield from csv.reader(text, delimiter=";")
    finally:
        if not stream.closed:
            text.detach()  # leave the caller's stream open


_NUMBER = re.compile(r"\s+\d+$")


def normalise(header: str) -> tuple[str, int | None]:
    """("voix", 3) for "Voix 3"; ("n°panneau", None) for "N°Panneau"."""
    text = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = " ".join(text.split())
    match = _NUMBER.search(text)
    if match:
        return text[: match.start()], int(match.group().strip())
    return text, None


def parse_count(value: str, line: int, column: str) -> int:
    cleaned = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
    if not cleaned.isdigit():
        raise ImportRefused(f"nombre attendu, lu « {value[:30]} »", line, column)
    return int(cleaned)


def parse_percent(value: str) -> float | None:
    """60.0 for "60,00%" or "60,00 %"; None when the cell is empty or unreadable (nothing to compare)."""
    cleaned = value.replace("%", "").replace("\xa0", "").replace(" ", "").replace(",", ".").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


@dataclass
class Layout:
    """Where each field sits: fixed fields by name, then one mapping per list or candidate block."""

    fixed: dict[str, int] = field(default_factory=dict)
    blocks: list[dict[str, int]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)

    def require(self, names: dict[str, str], block_names: dict[str, str] | None = None) -> None:
        for key, label in names.items():
            if key not in self.fixed:
                raise ImportRefused("colonne obligatoire absente", 1, label)
        for key, label in (block_names or {}).items():
            if not self.blocks or key not in self.blocks[0]:
                raise ImportRefused("colonne obligatoire absente", 1, label)


def read_layout(headers: list[str], fixed_names: dict[str, str], block_names: dict[str, str]) -> Layout:
    """Sort the header into fixed fields and blocks. Numbered headers say their block; unnumbered
    repeats (presidential files) start a new block each time the block's first field comes back."""
    layout = Layout(headers=headers)
    numbered: dict[int, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for index, header in enumerate(headers):
        name, number = normalise(header)
        if name in fixed_names and number is None:
            layout.fixed.setdefault(fixed_names[name], index)
            continue
        key = block_names.get(name)
        if key is None:
            continue
        if number is not None:
            numbered.setdefault(number, {})[key] = index
        else:
            if current is None or key in current:
                current = {}
                layout.blocks.append(current)
            current[key] = index
    layout.blocks.extend(numbered[n] for n in sorted(numbered))
    return layout


def extend_blocks(layout: Layout, width: int) -> list[dict[str, int]]:
    """Blocks of a row wider than its header: the ministry names only the first presidential block,
    and the others follow with the same fields in the same order."""
    if not layout.blocks:
        return layout.blocks
    last = layout.blocks[-1]
    start, end = min(last.values()), max(last.values()) + 1
    step = end - start
    blocks = list(layout.blocks)
    offset = end
    while offset + step <= width:
        blocks.append({key: offset + (index - start) for key, index in last.items()})
        offset += step
    return blocks


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()
