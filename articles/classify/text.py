"""Classifying one article's text: communes and sections, with the reason for every tag.

``classify_text`` is pure: it reads the compiled rules, never a row. Communes come from
``communes.score_communes`` and sections from ``sections.score_sections``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localities.gazetteer import clean, words

from .communes import score_communes
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
from .sections import score_sections

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
        # One pass over both fields: the separator is a word no phrase contains, so none spans the two.
        text = f"{title} {SEPARATOR} {summary}" if summary else title
        tokens = words(text)
        boundary = tokens.index(SEPARATOR) if summary else len(tokens)
        return cls(title, summary, text, tokens, boundary)


def classify_text(
    title: str, summary: str = "", categories: Sequence[str] = (), source=None, rules: Rules | None = None
) -> Classification:
    """Communes and sections for one article, with the reasons. Reads only the compiled rules."""
    rules = rules or current_rules()
    text = Text.of(title, summary)
    commune_reasons, notes = score_communes(text, categories, source, rules)
    section_reasons = score_sections(text, categories, source, rules)
    confidence = _confidence(commune_reasons, section_reasons, bool(notes))
    return Classification(
        communes=[reason.slug for reason in commune_reasons],
        sections=[reason.slug for reason in section_reasons],
        why=commune_reasons + section_reasons,
        confidence=confidence,
        needs_review=not commune_reasons or confidence < REVIEW_BELOW,
        notes=notes,
    )


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
