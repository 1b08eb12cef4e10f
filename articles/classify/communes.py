"""Communes of one article: place names, candidates, feed categories and the source's default."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from localities.gazetteer import clean, words

from .rules import (
    FIELD_CATEGORIES,
    FIELD_PREFIX,
    FIELD_SOURCE,
    FIELD_SUMMARY,
    FIELD_TITLE,
    Reason,
    Rules,
    Scores,
)

if TYPE_CHECKING:
    from .text import Text

# Score of one mention by where it is; an alias's weight multiplies it.
PREFIX, TITLE, SUMMARY, CATEGORY, SOURCE = 4.0, 3.0, 2.0, 1.5, 1.5
COMMUNE_THRESHOLD = 1.5
CANDIDATE_COMMUNE = 2.5

RULE_NAMES = {
    "name": "nom",
    "variant": "variante",
    "long_form": "forme longue",
    "demonym": "gentilé",
    "place": "lieu",
    "nickname": "surnom",
    "historical": "ancien nom",
    "ambiguous": "mention ambiguë résolue",
}

# "Sète : …", "SÈTE. …", "Sète - …", "Balaruc-le-Vieux – …": a short head before a separator.
TITLE_PREFIX = re.compile(r"^\W*(.{2,60}?)\s*(?::|\.\s|\s[-–—]\s|[–—]|\|)")


def _prefix_length(title: str) -> int:
    match = TITLE_PREFIX.match(title)
    if not match:
        return 0
    length = len(words(match.group(1)))
    return length if length <= 6 else 0


def score_communes(text: Text, categories: Sequence[str], source, rules: Rules) -> tuple[list[Reason], list[str]]:
    """The communes kept for one article, strongest first, and notes on what stayed unresolved."""
    places = rules.places
    tokens, boundary = text.tokens, text.boundary
    communes = Scores("commune")
    notes: list[str] = []
    ambiguous: list[tuple[tuple[str, ...], float, str, str]] = []
    outside_in_title = False
    hints: set[str] = set()

    prefix = _prefix_length(text.title)
    for mention in places.mentions(tokens, text.text):
        is_title = mention.start < boundary
        if is_title and mention.end <= prefix:
            where, base = FIELD_PREFIX, PREFIX
        elif is_title:
            where, base = FIELD_TITLE, TITLE
        else:
            where, base = FIELD_SUMMARY, SUMMARY
        kind = mention.kind
        if kind == "outside":
            outside_in_title = outside_in_title or is_title
        elif kind == "hint":
            hints.update(mention.communes)
        elif kind == "ambiguous":
            ambiguous.append((mention.communes, base * mention.weight, where, mention.phrase))
        else:
            communes.add(mention.communes[0], base * mention.weight, RULE_NAMES.get(kind, kind), where, mention.phrase)

    for start, _end, _key, payloads in rules.candidates.find(tokens):
        where = FIELD_TITLE if start < boundary else FIELD_SUMMARY
        for slug, name, weight in payloads:
            communes.add(slug, CANDIDATE_COMMUNE * weight, "candidat·e", where, name)

    for category in categories or ():
        category = clean(str(category))
        for mention in places.mentions(words(category), category):
            if len(mention.communes) == 1 and mention.kind != "outside":
                communes.add(
                    mention.communes[0], CATEGORY * mention.weight, "catégorie du flux", FIELD_CATEGORIES, category
                )

    default_commune = getattr(getattr(source, "default_commune", None), "slug", None)
    found = {slug for slug, total in communes.total.items() if total >= COMMUNE_THRESHOLD}
    if default_commune and not found and not outside_in_title:
        communes.add(default_commune, SOURCE, "commune par défaut de la source", FIELD_SOURCE, str(source))
        found.add(default_commune)

    # "Balaruc" alone names neither Balaruc: it counts only when the article already says which one.
    for options, score, where, phrase in ambiguous:
        known = [slug for slug in options if slug in found] or [slug for slug in options if slug in hints]
        if len(known) == 1:
            communes.add(known[0], score, RULE_NAMES["ambiguous"], where, phrase)
        else:
            notes.append(f"« {phrase} » peut désigner : {', '.join(options)} ; aucune commune choisie.")
    return communes.kept(COMMUNE_THRESHOLD), notes
