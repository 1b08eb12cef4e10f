"""Sections of one article: section rules (keywords, feed categories), candidates, source default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from localities.gazetteer import clean, words

from .rules import FIELD_CATEGORIES, FIELD_SOURCE, FIELD_SUMMARY, FIELD_TITLE, Reason, Rules, Scores

if TYPE_CHECKING:
    from .text import Text

SECTION_THRESHOLD = 1.0
TITLE_BOOST = 1.5  # a section keyword in the title counts this much more
CANDIDATE_SECTION = 3.0
FALLBACK_SECTION = "societe"


def score_sections(text: Text, categories: Sequence[str], source, rules: Rules) -> list[Reason]:
    """The sections kept for one article, strongest first, with the reason for each."""
    sections = Scores("section")
    tokens, boundary = text.tokens, text.boundary
    for start, _end, _key, payloads in rules.candidates.find(tokens):
        where = FIELD_TITLE if start < boundary else FIELD_SUMMARY
        for _slug, name, weight in payloads:
            sections.add("elections", CANDIDATE_SECTION * weight, "candidat·e", where, name)

    for start, _end, _key, payloads in rules.keywords.find(tokens):
        where, boost = (FIELD_TITLE, TITLE_BOOST) if start < boundary else (FIELD_SUMMARY, 1.0)
        for slug, weight, phrase in payloads:
            sections.add(slug, weight * boost, "mot-clé", where, phrase)

    for category in categories or ():
        category_words = words(clean(str(category)))
        for slug, weight, phrase in rules.categories.get(" ".join(category_words), ()):
            sections.add(slug, weight * 1.5, "catégorie du flux", FIELD_CATEGORIES, phrase)

    default_section = getattr(getattr(source, "default_section", None), "slug", None)
    if default_section:
        sections.add(default_section, SECTION_THRESHOLD, "rubrique par défaut de la source", FIELD_SOURCE, str(source))
    reasons = sections.kept(SECTION_THRESHOLD)
    if not reasons and FALLBACK_SECTION in rules.sections:
        reasons = [Reason("section", FALLBACK_SECTION, 0.0, "rubrique par défaut", "", "")]
    return reasons
