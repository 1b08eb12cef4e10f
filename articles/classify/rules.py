"""What the classifier reads and returns: compiled rules, scores, reasons and the result.

Aliases, section rules and candidates are compiled once per process and rebuilt when an editor
changes them (see ``current_rules``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from localities import gazetteer
from localities.gazetteer import Gazetteer, PhraseIndex, words

if TYPE_CHECKING:
    from .model import SectionModel

FIELD_TITLE, FIELD_PREFIX, FIELD_SUMMARY = "titre", "préfixe du titre", "résumé"
FIELD_CATEGORIES, FIELD_SOURCE = "catégories", "source"
SURNAME_ONLY = 0.3  # a surname alone may be someone else ("la chèvre de M. Seguin"): it only adds up


@dataclass(frozen=True)
class Reason:
    """Why one tag is there: the best signal behind it, and the summed score."""

    tag: str  # "commune" or "section"
    slug: str
    score: float
    rule: str
    field: str
    phrase: str

    def as_dict(self) -> dict:
        return {
            "tag": self.tag,
            "slug": self.slug,
            "score": round(self.score, 2),
            "rule": self.rule,
            "field": self.field,
            "phrase": self.phrase,
        }


@dataclass
class Classification:
    communes: list[str]
    sections: list[str]
    why: list[Reason]
    confidence: float
    needs_review: bool
    notes: list[str] = field(default_factory=list)

    def reason(self, tag: str, slug: str) -> Reason:
        return next(reason for reason in self.why if reason.tag == tag and reason.slug == slug)

    def as_dict(self) -> dict:
        return {
            "communes": self.communes,
            "sections": self.sections,
            "why": [reason.as_dict() for reason in self.why] + [{"note": note} for note in self.notes],
            "confidence": self.confidence,
            "needs_review": self.needs_review,
        }


@dataclass
class Rules:
    """Everything the classifier reads, compiled: aliases, section rules, candidates."""

    places: Gazetteer
    keywords: PhraseIndex  # payloads: (section slug, weight, phrase)
    categories: dict[str, list[tuple[str, float, str]]]  # folded category -> (section slug, weight, phrase)
    candidates: PhraseIndex  # payloads: (commune slug, name)
    sections: dict[str, int]  # slug -> id
    revision: tuple[int, ...] = ()
    model: SectionModel | None = None  # the section model; None: the rules alone decide sections

    @property
    def communes(self) -> dict[str, int]:
        return self.places.communes


def compile_rules(
    places: Gazetteer, keyword_rows, category_rows, candidate_rows, sections, revision=(), model=None
) -> Rules:
    """Rules from plain rows, so tests and benchmarks can compile without the database."""
    categories: dict[str, list[tuple[str, float, str]]] = {}
    for slug, weight, phrase in category_rows:
        categories.setdefault(" ".join(words(phrase)), []).append((slug, weight, phrase))
    return Rules(
        places=places,
        keywords=PhraseIndex((phrase, (slug, weight, phrase)) for slug, weight, phrase in keyword_rows),
        categories=categories,
        candidates=PhraseIndex(_candidate_phrases(candidate_rows)),
        sections=dict(sections),
        revision=tuple(revision),
        model=model,
    )


def _candidate_phrases(rows) -> Iterable[tuple[str, tuple[str, str, float]]]:
    """A candidate by full name, and by a surname long enough to be telling ("Denaja")."""
    for name, slug in rows:
        yield name, (slug, name, 1.0)
        surname = name.strip().split(" ", 1)[-1]
        if surname != name.strip() and len(surname) >= 6:
            yield surname, (slug, name, SURNAME_ONLY)


def load_rules(revision: tuple[int, ...] = ()) -> Rules:
    from articles.models import Candidate, Section, SectionRule

    rules = SectionRule.objects.filter(enabled=True).values_list("section__slug", "kind", "weight", "phrase")
    keyword_rows = [(slug, weight, phrase) for slug, kind, weight, phrase in rules if kind == "keyword"]
    category_rows = [(slug, weight, phrase) for slug, kind, weight, phrase in rules if kind == "category"]
    candidate_rows = Candidate.objects.filter(enabled=True).values_list("name", "commune__slug")
    sections = Section.objects.values_list("slug", "id")
    places = gazetteer.load(revision[0] if revision else 0)
    from .model import load_current  # reloaded with the rules: retraining and rollback bump "classify"

    model = load_current()
    return compile_rules(places, keyword_rows, category_rows, candidate_rows, sections, revision, model)


_rules = gazetteer.Cached(("gazetteer", "classify"), load_rules, setting="NEWSROOM_CLASSIFY_REFRESH_SECONDS")


def current_rules() -> Rules:
    """This process's compiled rules; rebuilt within seconds of an edit made by any process."""
    return _rules.get()


class Scores:
    """Scores per slug, keeping the strongest signal as the reason shown to editors."""

    def __init__(self, tag: str):
        self.tag = tag
        self.total: dict[str, float] = {}
        self.best: dict[str, tuple[float, str, str, str]] = {}

    def add(self, slug: str, score: float, rule: str, where: str, phrase: str) -> None:
        self.total[slug] = self.total.get(slug, 0.0) + score
        if score > self.best.get(slug, (0.0,))[0]:
            self.best[slug] = (score, rule, where, phrase)

    def kept(self, threshold: float) -> list[Reason]:
        chosen = [slug for slug, total in self.total.items() if total >= threshold]
        chosen.sort(key=lambda slug: (-self.total[slug], slug))
        return [Reason(self.tag, slug, self.total[slug], *self.best[slug][1:]) for slug in chosen]
