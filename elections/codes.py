"""The official list of commune codes (INSEE COG 2026, see data/README.md) and the ministry's ways
of writing a commune's code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

CODES_FILE = Path(__file__).resolve().parent / "data" / "insee_codes.txt"

# Older ministry files write overseas départements with letters.
_OVERSEAS = {"ZA": "971", "ZB": "972", "ZC": "973", "ZD": "974", "ZS": "975", "ZM": "976"}


@cache
def official_codes() -> frozenset[str]:
    codes: set[str] = set()
    for line in CODES_FILE.read_text(encoding="ascii").splitlines():
        prefix, _, ranges = line.partition(" ")
        for part in ranges.split(","):
            low, _, high = part.partition("-")
            for number in range(int(low), int(high or low) + 1):
                codes.add(f"{prefix}{number:02d}")
    return frozenset(codes)


def commune_code(department: str, commune: str) -> str:
    """The 5-character INSEE code: "34301" as is, or built from ("34", "301") or ("ZA", "101")."""
    commune = commune.strip().upper()
    if len(commune) == 5:
        return commune
    department = _OVERSEAS.get(department.strip().upper(), department.strip().upper())
    if department.startswith("97"):
        return "97" + commune.zfill(3)
    return department.zfill(2)[:2] + commune.zfill(3)
