"""How a commune is named in an article: the subject, the venue, or only in passing.

Real local news names many towns that it is not about: where a guest comes from ("le Sétois
Aurélien Evangelisti"), how far a quay runs ("jusqu'à Frontignan"), where a lagoon lies ("entre Mèze
et Sète"), the canton a race is named after ("canton de Mèze"). These helpers read the words just
before and after a mention (folded, as ``gazetteer.words`` gives them) and say which it is, so the
commune scorer can keep the subject and drop the rest. Rules follow the labelling rules of the
labelled real stories (the corpora's stories/MANIFEST.txt).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from localities.gazetteer import PhraseIndex

VENUE, PLAIN, OF, PASSING, AREA = "venue", "plain", "of", "passing", "area"
OFFICE = "office"  # "X, maire de Sète": the subject, unless the headline is about another town

# "à Mèze", "aux Balarucois", "en centre-ville de Sète" is not one: only the word right before.
LOCATIVES = frozenset({"a", "au", "aux", "dans", "sur"})
OF_WORDS = frozenset({"de", "d", "du", "des"})

# Words just before a name that make it a passing mention: extent, direction, origin, comparison.
# "près de Mèze" is left out on purpose: an accident "near" a town usually happens on its land.
PASSING_BEFORE = [
    "jusqu a",
    "jusqu au",
    "jusqu aux",
    "jusque",
    "vers",
    "direction",
    "depuis",
    "en provenance de",
    "provenance de",
    "originaire de",
    "originaires de",
    "natif de",
    "native de",
    "ne a",
    "nee a",
    "venu de",
    "venue de",
    "venus de",
    "venues de",
    "aux portes de",
    "comme a",
    "comme",
    "contrairement a",
    "a l image de",
    "ecole des beaux arts de",
    "beaux arts de",
    "sauf",
    "excepte",
    "hormis",
    "a l exception de",
    "rattache a",
    "rattachee a",
    "rattaches a",
    "relie a",
    "reliee a",
    "ancien maire de",
    "ex maire de",
    "excursion a",
    "escapade a",
    "sortie a",
]
# A person's office: "en présence de X, maire de Sète" is a guest's title in a story set elsewhere.
OFFICE_BEFORE = [
    "maire de",
    "maire d",
    "adjoint au maire de",
    "adjointe au maire de",
    "premier adjoint de",
    "conseiller municipal de",
    "conseillere municipale de",
    "elu de",
    "elue de",
    "elus de",
    "depute de",
    "deputee de",
]
# The town a district is named after is not the story's commune ("le canton de Mèze").
AREA_BEFORE = [
    "canton de",
    "canton d",
    "cantons de",
    "circonscription de",
    "agglomeration de",
    "communaute d agglomeration de",
    "bassin de vie de",
]
# Phrases that make a headline area-wide: the agglomeration, the lagoon, a canton, a constituency.
AREA_PHRASES = [
    "agglo",
    "agglopole",
    "agglomeration",
    "communaute d agglomeration",
    "conseil communautaire",
    "intercommunal",
    "intercommunale",
    "intercommunalite",
    "thau",
    "etang de thau",
    "bassin de thau",
    "lagune de thau",
    "canton",
    "cantons",
    "departementales",
    "legislatives",
    "circonscription",
    "territoire",
]


def _reversed_index() -> dict[tuple[str, ...], str]:
    """Phrases keyed by their words read backwards, so a lookup walks back from a mention."""
    table = {tuple(reversed(phrase.split())): PASSING for phrase in PASSING_BEFORE}
    table.update({tuple(reversed(phrase.split())): OFFICE for phrase in OFFICE_BEFORE})
    table.update({tuple(reversed(phrase.split())): AREA for phrase in AREA_BEFORE})
    return table


_BEFORE = _reversed_index()
_LAST_WORDS = frozenset(key[0] for key in _BEFORE)  # a mention not preceded by one of these needs no lookup
_LONGEST = max(len(key) for key in _BEFORE)
AREA_MARKERS = PhraseIndex((phrase, phrase) for phrase in AREA_PHRASES)
CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def _said_before(tokens: list[str], start: int, first: int) -> str:
    """PASSING or AREA when a known phrase ends right before the mention, longest phrase first."""
    back = tokens[max(first, start - _LONGEST) : start][::-1]
    for length in range(len(back), 0, -1):
        found = _BEFORE.get(tuple(back[:length]))
        if found:
            return found
    return ""


def role(tokens: list[str], start: int, end: int, kind: str, first: int, original: list[str] | None) -> str:
    """How the mention at ``tokens[start:end]`` names its commune; ``first`` is its field's first word.

    ``original`` holds the words as written (same positions), to see that a demonym is followed
    by a person's capitalised name; ``None`` when that is not needed.
    """
    before = tokens[start - 1] if start > first else ""
    if before:
        said = _said_before(tokens, start, first) if before in _LAST_WORDS else ""
        if said:
            return said
        if _between(tokens, start, first):
            return PASSING
    # "le Sétois Aurélien Evangelisti": a person's origin, not the place of the story.
    if kind == "demonym" and original is not None and end < len(original) and CAPITALISED.match(original[end]):
        return PASSING
    if before in LOCATIVES or (before in ("l", "la", "le", "les") and start - 2 >= first and tokens[start - 2] == "a"):
        return VENUE
    if before in OF_WORDS:
        return OF
    return PLAIN


def _between(tokens: list[str], start: int, first: int) -> bool:
    """ "entre Mèze et Sète": both ends only locate something else (a lagoon, a village)."""
    window = tokens[max(first, start - 6) : start]
    if "entre" not in window:  # cheap: most mentions have no "entre" nearby
        return False
    return "et" in window[window.index("entre") :] or window[-1] == "entre"


def listed(positions: Sequence[tuple[int, int, str]], gap: int = 3) -> set[int]:
    """Indexes of mentions that belong to a run of three or more different communes.

    ``positions`` are (start, end, slug) in order; two names at most ``gap`` words apart
    ("Sète, Mèze et Marseillan", "aux portes de Sète, jusqu'à Mèze") are in the same run.
    """
    runs: list[list[int]] = []
    for index, (start, _end, _slug) in enumerate(positions):
        if runs and start - positions[runs[-1][-1]][1] <= gap:
            runs[-1].append(index)
        else:
            runs.append([index])
    found: set[int] = set()
    for run in runs:
        if len({positions[index][2] for index in run}) >= 3:
            found.update(run)
    return found
