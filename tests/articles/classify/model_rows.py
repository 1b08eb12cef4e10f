"""Small labelled sets for the section model's tests, written for these tests (not real headlines)."""

from __future__ import annotations

ELECTION_TITLES = [
    "Le candidat dévoile sa liste pour le scrutin de mars",
    "Premier tour : la liste d'union arrive en tête du scrutin",
    "La tête de liste présente ses colistiers aux électeurs",
    "Second tour : les candidats se disputent les voix des électeurs",
    "Le scrutin approche, les listes candidates font campagne",
    "Un nouveau candidat et sa liste entrent dans la course au scrutin",
]
CULTURE_TITLES = [
    "Le festival de jazz ouvre sa saison au théâtre",
    "Une exposition de peinture au musée jusqu'en juin",
    "Le théâtre annonce un concert et une exposition",
    "Concert de jazz gratuit au musée ce samedi",
]
SPORTS_TITLES = [
    "Le club de rugby remporte le match du dimanche",
    "Joutes : le champion remporte le tournoi",
    "Rugby : l'équipe première gagne son match à domicile",
    "Le tournoi de joutes attire les champions du club",
]


def tiny_rows() -> list[dict]:
    """Enough for the two heads: Élections or not, and culture against sports."""
    rows = [{"title": t, "summary": "", "elections": True, "section_hint": "elections"} for t in ELECTION_TITLES]
    rows += [{"title": t, "summary": "", "elections": False, "section_hint": "culture"} for t in CULTURE_TITLES]
    rows += [{"title": t, "summary": "", "elections": False, "section_hint": "sports"} for t in SPORTS_TITLES]
    return rows
