"""Classifying articles into communes and sections, with the reason for every tag.

Contract used by ingest, admin and commands:
    classify_text(title, summary, categories, source) -> Classification   (pure: reads no row)
    classify_many([(title, summary, categories, source), ...]) -> list[Classification]   (the same, per batch)
    classify_unsaved(articles) / apply_classification_many(articles)   (inside the poll's transaction)
    apply_classification(article) -> None
    reclassify(queryset) -> int             (the ``reclassify`` command and the editors' actions)

Modules: ``rules`` (compiled aliases, section rules and candidates), ``text`` (one article's text),
``communes`` and ``sections`` (the two scorers), ``store`` (writing tags).
"""

from __future__ import annotations

from .rules import Classification, Reason, Rules, compile_rules, current_rules, load_rules
from .store import apply_classification, apply_classification_many, classify_unsaved, reclassify
from .text import classify_many, classify_text

__all__ = [
    "Classification",
    "Reason",
    "Rules",
    "apply_classification",
    "apply_classification_many",
    "classify_many",
    "classify_text",
    "classify_unsaved",
    "compile_rules",
    "current_rules",
    "load_rules",
    "reclassify",
]
