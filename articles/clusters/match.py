"""Deciding whether two versions report the same event: candidates, a score, and rejection rules.

Candidates come from indexed queries only: versions sharing a commune (or both area-wide) published
within ``WINDOW`` of each other by another source, plus the exact keys (canonical link, title).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz

from .normalise import Features

WINDOW = timedelta(hours=72)
THRESHOLD = 0.5  # a fuzzy score from here up groups two versions
UNCERTAIN_BELOW = 0.6  # ...and below this the cluster goes to the editors' review queue
EXACT = 1.0
TITLE_WEIGHT, WORDS_WEIGHT, FUZZY_WEIGHT, NAMES_BONUS = 0.35, 0.35, 0.3, 0.1
# Versions sharing fewer words than this (title and lead, weighted) are never one event: the
# labelled pairs of one event all share more (0.17 at least), 99% of unrelated stories less.
WORDS_FLOOR = 0.15
LEAD_WORDS = 3  # a lead shorter than this cannot stand in for an unusable title
_NONE: frozenset[str] = frozenset()

# Marks that must agree when both versions carry them: figures, dates, named places.
_FIGURES = ("#m:", "#p:", "#s:", "#a:", "#n:", "@d:", "@w:")


@dataclass
class Version:
    """An article as the matcher sees it: no model instance, so thousands cost little."""

    pk: int
    source_id: int
    published: datetime
    cluster_id: int | None
    title_key: str
    url_key: str
    features: Features
    communes: frozenset[int]
    pinned: bool = False

    @classmethod
    def of(cls, row: tuple, communes: frozenset[int]) -> Version:
        pk, source_id, published, cluster_id, title_key, url_key, match_text, pinned = row
        return cls(
            pk, source_id, published, cluster_id, title_key, url_key, Features.parse(match_text), communes, pinned
        )


COLUMNS = ("pk", "source_id", "published", "cluster_id", "title_key", "url_key", "match_text", "cluster_pinned")


def rejection(a: Version, b: Version) -> str:
    """Why ``a`` and ``b`` cannot be one event ("" if nothing tells them apart)."""
    if a.communes != b.communes and not (a.communes & b.communes):
        return "autre commune"
    marks_a, marks_b = a.features.marks, b.features.marks
    for kind in _FIGURES:
        if kind in marks_a and kind in marks_b and not (marks_a[kind] & marks_b[kind]):
            return "autre date" if kind.startswith("@") else "autres chiffres"
    for kind, names in marks_a.items():
        if kind.startswith("^") and kind in marks_b and not _names_agree(names, marks_b[kind]):
            return "autre lieu"
    return ""


def _names_agree(first: set[str], second: set[str]) -> bool:
    """Named places agree when one name contains the other ("sadi-carnot" and "carnot")."""
    return any(x == y or x in y.split("-") or y in x.split("-") for x in first for y in second)


def score(a: Version, b: Version) -> float:
    """How alike two versions' words are, from 0 to 1: titles, title and lead, and shared names."""
    fa, fb = a.features, b.features
    if not (a.title_key and b.title_key):  # no title, one word, all capitals: the leads must agree
        fa, fb = fa.lead, fb.lead
        if min(len(fa.word_set), len(fb.word_set)) < LEAD_WORDS:
            return 0.0
    words = _dice(fa.title_set, fb.title_set) * TITLE_WEIGHT + _dice(fa.word_set, fb.word_set) * WORDS_WEIGHT
    if words < WORDS_FLOOR or words + FUZZY_WEIGHT + NAMES_BONUS < THRESHOLD:
        return round(words, 3)  # too few shared words: the fuzzy part is not worth computing
    fuzzy = fuzz.token_set_ratio(fa.joined, fb.joined) / 100
    names = NAMES_BONUS if fa.marks.get("=", _NONE) & fb.marks.get("=", _NONE) else 0.0
    return round(min(1.0, words + FUZZY_WEIGHT * fuzzy + names), 3)


def _dice(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def compare(a: Version, b: Version) -> float | None:
    """The match score of two versions of different sources, or None when they are not one event."""
    if a.source_id == b.source_id or abs(a.published - b.published) > WINDOW:
        return None
    if a.url_key and a.url_key == b.url_key:
        return EXACT
    same_title = bool(a.title_key) and a.title_key == b.title_key
    value = EXACT if same_title else score(a, b)
    if value < THRESHOLD or rejection(a, b):
        return None
    return value


def best_cluster(new: Version, candidates: list[Version], spans: dict[int, tuple]) -> tuple[int, float] | None:
    """The cluster ``new`` joins and its score, or None. A cluster's score is its best version's;
    a cluster that would then span more than seven days is not joined."""
    from .state import MAX_SPAN

    best: dict[int, float] = {}
    title_bits, word_bits, title_lost, word_lost, titles, words = new.features.signature
    source, title_key, url_key = new.source_id, new.title_key, new.url_key
    for candidate in candidates:
        cluster_id = candidate.cluster_id
        if cluster_id is None or candidate.source_id == source:
            continue
        other_key = candidate.title_key
        if title_key and other_key and title_key != other_key and not (url_key and url_key == candidate.url_key):
            # The masks bound the shared words from above (``signature``): skip when even that is
            # below the floor. The same bound, looser, skips most stories in SQL (``assign``).
            other_title, other_words, _, _, other_titles, other_all = candidate.features.signature
            title = 2 * ((title_bits & other_title).bit_count() + title_lost) / ((titles + other_titles) or 1)
            shared = 2 * ((word_bits & other_words).bit_count() + word_lost) / ((words + other_all) or 1)
            if TITLE_WEIGHT * title + WORDS_WEIGHT * shared < WORDS_FLOOR:
                continue
        value = compare(new, candidate)
        if value is not None and value > best.get(cluster_id, 0.0):
            best[cluster_id] = value
    load = getattr(spans, "load", None)  # spans read on demand (ingest): only the clusters found
    if load is not None and best:
        load(best)
    for cluster_id, value in sorted(best.items(), key=lambda item: -item[1]):
        first, last = spans.get(cluster_id, (new.published, new.published))
        if max(last, new.published) - min(first, new.published) <= MAX_SPAN:
            return cluster_id, value
    return None
