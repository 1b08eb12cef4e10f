"""Rebuild the derived reference files of this folder from the shared corpora (run by hand, rarely).

    python localities/data/derive.py PATH/TO/corpora/communes

Writes ``france_communes.txt.gz`` (every commune and former commune of France, folded, one per
line), ``places_thau.csv`` (hamlets and FANTOIR place names of the 14 communes) and keeps
``people_thau.csv`` as edited by hand. See README.md for sources and licences.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = {
    "34023": "balaruc-les-bains",
    "34024": "balaruc-le-vieux",
    "34039": "bouzigues",
    "34108": "frontignan",
    "34113": "gigean",
    "34143": "loupian",
    "34150": "marseillan",
    "34157": "meze",
    "34159": "mireval",
    "34165": "montbazin",
    "34213": "poussan",
    "34301": "sete",
    "34333": "vic-la-gardiole",
    "34341": "villeveyrac",
}
# FANTOIR natures kept as landmarks; plain streets are too common across France to tell a commune.
NATURES = {"LIEU-DIT", "QUAI", "PROMENADE", "CANAL", "PLAGE", "PORT", "DOMAINE", "ETANG", "MAS"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about where a place is ("la plaine", "le lac", "quai ouest").
GENERIC = _words(
    "la le les l d de du des et a au aux en sur sous saint sainte st ste nord sud est ouest haut bas "
    "basse haute grand grande petit petite petites petits lac port quai plage pointe gare mas domaine dom "
    "lot lotissement zone zae zac za chemin vieux vieille neuf neuve bois pont plaine plaines mer canal "
    "etang moulin moulins font fontaine croix village centre ville route station val"
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower())
    return " ".join(re.findall(r"\w+", "".join(c for c in text if not unicodedata.combining(c))))


def france(folder: Path) -> list[str]:
    names = set()
    for name in ("france_communes.csv", "france_communes_deleguees.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            names.update(fold(row["nom"]) for row in csv.DictReader(handle))
    return sorted(name for name in names if name)


def places(folder: Path, outside: set[str]) -> list[tuple[str, str, float, str]]:
    rows: list[tuple[str, str, float, str]] = []
    with (folder / "raw" / "laposte_hexasmal_34.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            slug = OURS.get(row["Code_commune_INSEE"])
            if slug and row["Ligne_5"].strip():
                rows.append((slug, "place", 1.0, row["Ligne_5"].strip().title()))
    with (folder / "voies_thau.csv").open(encoding="utf-8") as handle:
        voies = [row for row in csv.DictReader(handle) if row["nature_fantoir"] in NATURES]
    seen = Counter(fold(row["nom_voie"]) for row in voies)
    for row in voies:
        name = fold(row["nom_voie"])
        telling = [word for word in name.split() if word not in GENERIC and len(word) > 2]
        if seen[name] == 1 and telling and name not in outside and len(name) <= 25:
            rows.append((OURS[row["insee"]], "landmark", 0.5, name))
    return sorted(set(rows))


def main(folder: Path) -> None:
    names = france(folder)
    with gzip.open(HERE / "france_communes.txt.gz", "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(names) + "\n")
    with (HERE / "places_thau.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["slug", "kind", "weight", "phrase"])
        writer.writerows(places(folder, set(names)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "corpora/communes"))
