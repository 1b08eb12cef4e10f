"""Communes of one article: place names weighed by salience, people, feed categories, source default.

A name in the headline makes its commune the subject. A name only in the lead counts too, unless
it is named in passing (a person's origin, a quay's end, a comparison: see ``localities.salience``),
or belongs to a list of three or more towns, or the headline is area-wide (the agglomeration, the
lagoon, a canton) or about a town elsewhere and the lead does not place the story "à" that commune.
An area-wide article keeps no commune: its page says "Bassin de Thau".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from localities.gazetteer import WORD, clean, words
from localities.salience import AREA, AREA_MARKERS, OF, OFFICE, PASSING, PLAIN, VENUE, listed, role

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
PERSON = 2.0  # a mayor's full name: counts when no place of ours is named (see ``_people``)
TITLE_PASSING = 0.5  # a headline's passing mention ("Le Frontignanais X élu à Vic") still counts a little
UNRESOLVED = "peut désigner"
MAYOR = "maire"
# "le Sétois Aurélien Evangelisti": only a demonym after one of these may be a person's origin.
DETERMINERS = (
    ["le"],
    ["la"],
    ["l"],
    ["les"],
    ["un"],
    ["une"],
    ["du"],
    ["au"],
    ["des"],
)  # marks the notes that leave a mention unresolved

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
FIRST_SENTENCE = re.compile(r".*?(?:[.!?…](?=\s|$)|$)", re.S)
TITLE_PREFIX = re.compile(r"^\W*(.{2,60}?)\s*(?::|\.\s|\s[-–—]\s|[–—]|\|)")


def _prefix_length(title: str) -> int:
    match = TITLE_PREFIX.match(title)
    if not match:
        return 0
    length = len(words(match.group(1)))
    return length if length <= 6 else 0


def score_communes(text: Text, categories: Sequence[str], source, rules: Rules) -> tuple[list[Reason], list[str]]:
    """The communes kept for one article, strongest first, and notes on what was set aside."""
    places = rules.places
    tokens, boundary = text.tokens, text.boundary
    communes = Scores("commune")
    notes: list[str] = []
    ours, hints, outside_in_title = [], set(), False
    for mention in places.mentions(tokens, text.text):
        if mention.kind == "outside":
            outside_in_title = outside_in_title or mention.start < boundary
        elif mention.kind == "hint":
            hints.update(mention.communes)
        elif mention.communes:
            ours.append(mention)
    area = _area_marker(tokens[:boundary], ours)
    ambiguous = []
    if ours:
        area = _weigh(text, ours, area, outside_in_title, communes, ambiguous, notes)

    _people(rules, tokens, boundary, communes)
    for category in categories or ():
        category = clean(str(category))
        for mention in places.mentions(words(category), category):
            if len(mention.communes) == 1 and mention.kind not in ("outside", "hint"):
                communes.add(
                    mention.communes[0], CATEGORY * mention.weight, "catégorie du flux", FIELD_CATEGORIES, category
                )

    default_commune = getattr(getattr(source, "default_commune", None), "slug", None)
    found = {slug for slug, total in communes.total.items() if total >= COMMUNE_THRESHOLD}
    if default_commune and not found and not outside_in_title and not area:
        communes.add(default_commune, SOURCE, "commune par défaut de la source", FIELD_SOURCE, str(source))
        found.add(default_commune)

    # "Balaruc" alone names neither Balaruc: it counts only when the article already says which one.
    if ambiguous and not hints:
        hints = {slug for _s, _e, _k, payloads in places.landmarks.find(tokens) for slug, *_ in payloads}
    for options, score, where, phrase in ambiguous:
        known = [slug for slug in options if slug in found] or [slug for slug in options if slug in hints]
        if len(known) == 1:
            communes.add(known[0], score, RULE_NAMES["ambiguous"], where, phrase)
        else:
            notes.append(f"« {phrase} » {UNRESOLVED} : {', '.join(options)} ; aucune commune choisie.")
    reasons = communes.kept(COMMUNE_THRESHOLD)
    if area and not reasons:
        notes.append(f"Article de portée intercommunale ({area}) : Bassin de Thau, aucune commune.")
    return reasons, notes


def _weigh(text: Text, ours: list, area: str, outside_in_title: bool, communes: Scores, ambiguous: list, notes: list):
    """Score the mentions of our communes by field and role; returns the area marker, if any."""
    tokens, boundary = text.tokens, text.boundary
    original = None
    if any(m.kind == "demonym" and tokens[m.start - 1 : m.start] in DETERMINERS for m in ours):
        original = WORD.findall(text.text)
        original = original if len(original) == len(tokens) else None
    prefix = _prefix_length(text.title) if ours[0].start < boundary else 0
    in_lists: set[int] = set()
    if len(ours) >= 3:
        in_summary = [i for i, m in enumerate(ours) if m.start > boundary]
        runs = listed([(ours[i].start, ours[i].end, ours[i].communes[0]) for i in in_summary])
        in_lists = {in_summary[i] for i in runs}

    kept = []  # (mention, role, base score, field)
    venue_list = False  # "candidats déclarés à Sète, Frontignan et Mèze": a list of venues, each one counts
    for index, mention in enumerate(ours):
        is_title = mention.start < boundary
        how = role(tokens, mention.start, mention.end, mention.kind, 0 if is_title else boundary + 1, original)
        if index in in_lists and (index - 1) not in in_lists:
            venue_list = how == VENUE
        if how == AREA:
            area = area or (f"« {mention.phrase} »" if is_title else "")
            notes.append(f"« {mention.phrase} » nomme un territoire (canton, agglomération) : non retenue.")
            continue
        if is_title and mention.end <= prefix:
            where, base = FIELD_PREFIX, PREFIX
        elif is_title:
            where, base = FIELD_TITLE, TITLE
        else:
            where, base = FIELD_SUMMARY, SUMMARY
        if index in in_lists:
            how = VENUE if venue_list else "listed"
        elif how == OF and tokens[mention.end : mention.end + 1] == ["a"]:
            how = PLAIN  # "de Gigean à Frontignan": a stretch between two towns names both
        kept.append((mention, how, base * mention.weight, where))

    subjects, venues, not_only_of = set(), set(), set()
    for mention, how, _score, _where in kept:
        if mention.start < boundary and how != PASSING and len(mention.communes) == 1:
            subjects.add(mention.communes[0])
        if how == VENUE:
            venues.add(mention.communes)
        elif how not in (OF, OFFICE):
            not_only_of.add(mention.communes)
    wide = area or outside_in_title
    sole = _lead_subject(text, kept) if wide and not subjects else None
    for mention, how, score, where in kept:
        if mention.start > boundary:
            dropped = _set_aside(mention, how, subjects, venues, not_only_of, wide and mention.communes != sole)
            if dropped:
                notes.append(f"« {mention.phrase} » {dropped} : non retenue.")
                continue
        elif how == PASSING:
            score *= TITLE_PASSING
        if mention.kind == "ambiguous":
            ambiguous.append((mention.communes, score, where, mention.phrase))
        else:
            communes.add(mention.communes[0], score, RULE_NAMES.get(mention.kind, mention.kind), where, mention.phrase)
    return area


def _set_aside(mention, how: str, subjects: set, venues: set, not_only_of: set, wide) -> str:
    """Why a lead's mention is not the article's commune, or "" when it counts."""
    if how == PASSING:
        return "est citée en passant"
    if how == "listed" and mention.communes[0] not in subjects:
        return "fait partie d'une liste de communes"
    if mention.communes[0] in subjects:
        return ""
    if how == OFFICE and subjects:
        return "est le titre d'une personne, l'article porte sur une autre commune"
    own_venue = mention.communes in venues
    if wide and not own_venue:
        return "n'est pas le lieu d'un article qui porte sur un territoire ou une autre commune"
    if subjects:
        return ""
    if venues and not own_venue and mention.communes not in not_only_of:
        return "est une origine, l'article se passe ailleurs"
    return ""


def _lead_subject(text: Text, kept: list) -> tuple[str, ...] | None:
    """The one commune the lead's first sentence names, when the lead names no other one.

    Under an area-wide headline ("Bassin de Thau : …"), "La ville de Sète lance …" still makes Sète
    the subject.
    """
    named = {m.communes for m, how, _s, _w in kept if m.start > text.boundary and how not in (PASSING, "listed")}
    if len(named) != 1:
        return None
    end = text.boundary + 1 + len(words(FIRST_SENTENCE.match(text.summary).group()))
    only = next(iter(named))
    return only if any(m.communes == only and text.boundary < m.start < end for m, *_ in kept) else None


def _area_marker(title: list[str], ours: list) -> str:
    """The first area-wide phrase of the headline outside a place name ("Île de Thau" is Sète)."""
    for start, end, key, _payloads in AREA_MARKERS.find(title):
        if not any(m.start <= start and end <= m.end for m in ours):
            return f"« {key} »"
    return ""


def _people(rules: Rules, tokens: list[str], boundary: int, communes: Scores) -> None:
    """Candidates and mayors point to their commune; next to a place name they only add to it.

    A person is often named in a story about somewhere else (a joutes champion who is also a
    candidate, a mayor who presides over the agglomeration), so when the article names a commune
    of ours, a person only strengthens that commune.
    """
    named = set(communes.total)
    counted: set[tuple[str, str]] = set()  # a mayor who is also a candidate counts once
    for index, score, label in (
        (rules.candidates, CANDIDATE_COMMUNE, "candidat·e"),
        (rules.places.people, PERSON, "maire"),
    ):
        for start, end, _key, payloads in index.find(tokens):
            where = FIELD_TITLE if start < boundary else FIELD_SUMMARY
            # A mayor's name in a lead counts beside the word "maire": elsewhere he may be there for
            # the agglomeration he presides over.
            if label == "maire" and where == FIELD_SUMMARY and MAYOR not in tokens[max(0, start - 4) : end + 4]:
                continue
            for slug, name, weight in _person_rows(payloads):
                if (named and slug not in named) or (slug, name) in counted:
                    continue
                counted.add((slug, name))
                communes.add(slug, score * weight, label, where, name)


def _person_rows(payloads) -> list[tuple[str, str, float]]:
    """(slug, name, weight) from either index: candidates carry a weight, mayors a role."""
    return [(p[0], p[1], p[2] if isinstance(p[2], float) else 1.0) for p in payloads]
