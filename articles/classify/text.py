"""Classifying one article's text: communes and sections, with the reason for every tag.

``classify_text`` is pure: it reads the compiled rules, never a row. Communes come from
``communes.score_communes`` and sections from ``sections.score_sections``. ``classify_many`` gives
the same results for a batch (a poll, a re-classification), the section model scoring the batch at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from localities.gazetteer import clean, words

from .communes import UNRESOLVED, score_communes
from .rules import (
    FIELD_CATEGORIES,
    FIELD_PREFIX,
    FIELD_SOURCE,
    FIELD_SUMMARY,
    FIELD_TITLE,
    Classification,
    Reason,
    Rules,
    current_rules,
)
from .sections import score_sections, score_sections_many, text_rules

SEPARATOR = "qqchampqq"  # a made-up word between title and summary
SUMMARY_LIMIT = 5000  # characters: the lead of an article names its place; the rest only costs time.
REVIEW_BELOW = 0.5


@dataclass(frozen=True)
class Text:
    """An article's title and summary, cleaned and cut into words once for every scorer."""

    title: str
    summary: str
    text: str  # title, SEPARATOR, summary
    tokens: list[str]
    boundary: int  # index of the first summary word in ``tokens``

    @classmethod
    def of(cls, title: str, summary: str) -> Text:
        title = clean(title or "")
        summary = clean((summary or "")[:SUMMARY_LIMIT])
        # One pass over both fields: the separator is a word no phrase contains, so none spans the two;
        # its full stop tells the gazetteer that the summary starts a sentence.
        text = f"{title} {SEPARATOR}. {summary}" if summary else title
        tokens = words(text)
        boundary = tokens.index(SEPARATOR) if summary else len(tokens)
        return cls(title, summary, text, tokens, boundary)


def classify_text(
    title: str, summary: str = "", categories: Sequence[str] = (), source=None, rules: Rules | None = None
) -> Classification:
    """Communes and sections for one article, with the reasons. Reads only the compiled rules."""
    rules = rules or current_rules()
    text = Text.of(title, summary)
    refusal = not_french(text.tokens)
    if refusal:
        return _refused(refusal)
    commune_reasons, notes = score_communes(text, categories, source, rules)
    return _result(commune_reasons, notes, score_sections(text, categories, source, rules))


def classify_many(items: Iterable[Sequence], rules: Rules | None = None) -> list[Classification]:
    """``classify_text`` for many articles, ``(title, summary, categories, source)`` each: the same results.

    The work that can be shared is done once for the batch: the section model scores every text
    in one numpy pass (see ``SectionModel.score_many``).
    """
    with _collector_paused():
        return _classify_many(items, rules or current_rules())


def _classify_many(items: Iterable[Sequence], rules: Rules) -> list[Classification]:
    """One step at a time for the whole batch (texts, refusals, communes, rules, model): each step's
    code and tables stay in the processor's caches across the batch, some 8 % faster than
    interleaving the steps story by story."""
    items = list(items)
    texts = [Text.of(title, summary) for title, summary, _categories, _source in items]
    refusals = [not_french(text.tokens) for text in texts]
    kept = [position for position, refusal in enumerate(refusals) if not refusal]
    texts = [texts[position] for position in kept]
    categories = [items[position][2] for position in kept]
    sources = [items[position][3] for position in kept]
    communes = [score_communes(*row, rules) for row in zip(texts, categories, sources, strict=True)]
    sections = score_sections_many(texts, categories, sources, rules, [text_rules(text, rules) for text in texts])
    results: list[Classification] = [_refused(refusal) if refusal else None for refusal in refusals]  # type: ignore[misc]
    for position, (commune_reasons, notes), section_reasons in zip(kept, communes, sections, strict=True):
        results[position] = _result(commune_reasons, notes, section_reasons)
    return results


_pause = threading.Lock()
_paused = [0, False]  # batches running, and whether the collector was on before the first one


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a batch is classified (threads may overlap).

    A batch keeps every story's words, phrases and scores until the model has scored them all, so
    the collector would walk these short-lived objects several times per batch, and push them into
    its older generations, whose walks cost most. They hold no cycle: reference counting frees them
    at the end of the batch, and the next collection only sees what the caller keeps.
    """
    with _pause:
        if not _paused[0]:
            _paused[1] = gc.isenabled()
            gc.disable()
        _paused[0] += 1
    try:
        yield
    finally:
        with _pause:
            _paused[0] -= 1
            if not _paused[0] and _paused[1]:
                gc.enable()


def _refused(refusal: str) -> Classification:
    return Classification(communes=[], sections=[], why=[], confidence=0.0, needs_review=True, notes=[refusal])


def _result(commune_reasons: list[Reason], notes: list[str], section_reasons: list[Reason]) -> Classification:
    confidence = _confidence(commune_reasons, section_reasons, any(UNRESOLVED in note for note in notes))
    return Classification(
        communes=[reason.slug for reason in commune_reasons],
        sections=[reason.slug for reason in section_reasons],
        why=commune_reasons + section_reasons,
        confidence=confidence,
        needs_review=not commune_reasons or confidence < REVIEW_BELOW,
        notes=notes,
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Everyday French words: a lead without them is not French (or not text), and is not classified.
FRENCH_WORDS = _words(
    "le la les l un une des du de d et a au aux en dans pour par sur avec est sont qui que qu ce cette "
    "ces il elle ils on ne pas plus son sa ses leur leurs nous vous se s n c y ou mais apres avant sera "
    "ont a ete"
)
# Their counterparts in the languages a feed may carry by mistake (English, Spanish, Italian, German).
FOREIGN_WORDS = _words(
    "the and of to is are was were with for this that from by on at it be has have will been which their "
    "they el los las del al por con para una han sido muy pero como sus der die das und ist mit von den "
    "dem nicht di che per della delle sono gli nel"
)
FRENCH_CHECK_FROM = 6  # a headline of a few words may hold no function word ("Sète : joutes, finale")
FRENCH_SAMPLE = 60  # words: enough to tell a language


def not_french(tokens: list[str]) -> str:
    """Why the text cannot be classified ("" when it can): empty, or plainly not French.

    Reads the first words only, with set lookups done in C: it runs before every classification.
    """
    sample = tokens[:FRENCH_SAMPLE]
    if len(sample) <= FRENCH_CHECK_FROM:
        real = [token for token in sample if token != SEPARATOR and not token.isdigit()]
        if not real:
            return "Texte vide : aucune commune ni rubrique."
        if len(real) < FRENCH_CHECK_FROM:
            return ""
    french = sum(map(FRENCH_WORDS.__contains__, sample))
    # Most French leads hold none of the foreign words: one early-stopping set check, not a count.
    foreign = 0 if FOREIGN_WORDS.isdisjoint(sample) else sum(map(FOREIGN_WORDS.__contains__, sample))
    if french < 0.05 * len(sample) or foreign > french:
        if not any(token != SEPARATOR and not token.isdigit() for token in sample):
            return "Texte vide : aucune commune ni rubrique."
        return "Texte qui ne semble pas en français : aucune commune ni rubrique."
    return ""


_FIELD_TRUST = {FIELD_PREFIX: 1.0, FIELD_TITLE: 0.9, FIELD_SUMMARY: 0.75, FIELD_CATEGORIES: 0.6, FIELD_SOURCE: 0.5}
_SUMMARY_SCORE = 2.0  # a tag scoring less than one summary mention rests on a weak hint


def _confidence(communes: list[Reason], sections: list[Reason], unresolved: bool) -> float:
    place = max((_FIELD_TRUST.get(reason.field, 0.6) for reason in communes), default=0.0)
    if communes and min(reason.score for reason in communes) < _SUMMARY_SCORE:
        place = min(place, 0.7)
    if unresolved:
        place = min(place, 0.4)
    topic = min(1.0, max((reason.score for reason in sections), default=0.0) / 3.0)
    return round(0.7 * place + 0.3 * topic, 2)
