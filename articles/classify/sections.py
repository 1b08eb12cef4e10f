"""Sections of one article: the section model, with the rules as its features and as overrides.

With a model (``rules.model``): Élections when its probability reaches the model's threshold,
else the most probable other section; the reason shows the words that weighed most
(« modèle : "candidat", "liste", "scrutin" »). The rules' keyword and candidate scores are model
features. Editors keep the last word: a feed category or a source's default section adds its
section as before, and a keyword rule weighing ``FORCE_WEIGHT`` or more forces its section.
Without a model (missing or corrupt file), the rules alone decide, as they did before the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from localities.gazetteer import clean, words

from .rules import FIELD_CATEGORIES, FIELD_SOURCE, FIELD_SUMMARY, FIELD_TITLE, Reason, Rules, Scores

if TYPE_CHECKING:
    from .model import SectionModel
    from .text import Text

SECTION_THRESHOLD = 1.0
TITLE_BOOST = 1.5  # a section keyword in the title counts this much more
CANDIDATE_SECTION = 3.0
FALLBACK_SECTION = "societe"
ELECTIONS = "elections"
FORCE_WEIGHT = 5.0  # an editor's keyword rule this heavy forces its section, whatever the model says
MODEL_RULE = "modèle"
MODEL_SCORE = 3.0  # a probability of 1 weighs as much as three keyword points (see text._confidence)
MODEL_WORDS = 3


def _text_rules(text: Text, rules: Rules) -> tuple[Scores, Scores]:
    """Candidates and keywords found in the text: (all of them, the forcing ones)."""
    sections, forced = Scores("section"), Scores("section")
    tokens, boundary = text.tokens, text.boundary
    for start, _end, _key, payloads in rules.candidates.find(tokens):
        where = FIELD_TITLE if start < boundary else FIELD_SUMMARY
        for _slug, name, weight in payloads:
            sections.add(ELECTIONS, CANDIDATE_SECTION * weight, "candidat·e", where, name)

    for start, _end, _key, payloads in rules.keywords.find(tokens):
        where, boost = (FIELD_TITLE, TITLE_BOOST) if start < boundary else (FIELD_SUMMARY, 1.0)
        for slug, weight, phrase in payloads:
            sections.add(slug, weight * boost, "mot-clé", where, phrase)
            if weight >= FORCE_WEIGHT:
                forced.add(slug, weight * boost, "mot-clé imposé", where, phrase)
    return sections, forced


def text_rule_scores(text: Text, rules: Rules) -> dict[str, float]:
    """The rules' score per section from the text alone: the model's rule features."""
    return _text_rules(text, rules)[0].total


text_rules = _text_rules  # for ``score_sections_many``'s callers, which work them out text by text


def _editors_signals(categories: Sequence[str], source, rules: Rules, scores: Scores) -> Scores:
    for category in categories or ():
        category_words = words(clean(str(category)))
        for slug, weight, phrase in rules.categories.get(" ".join(category_words), ()):
            scores.add(slug, weight * 1.5, "catégorie du flux", FIELD_CATEGORIES, phrase)
    default_section = getattr(getattr(source, "default_section", None), "slug", None)
    if default_section:
        scores.add(default_section, SECTION_THRESHOLD, "rubrique par défaut de la source", FIELD_SOURCE, str(source))
    return scores


def score_sections(text: Text, categories: Sequence[str], source, rules: Rules) -> list[Reason]:
    """The sections kept for one article, strongest first, with the reason for each."""
    found, forced = _text_rules(text, rules)
    model = rules.model
    reasons = None if model is None else _model_reasons(model, text, found.total)
    return _decide(reasons, found, forced, categories, source, rules)


def score_sections_many(
    texts: Sequence[Text], categories, sources, rules: Rules, rules_found: list | None = None
) -> list[list[Reason]]:
    """``score_sections`` for many articles, the model scoring them all at once (see ``SectionModel.score_many``).

    ``rules_found``: each text's ``text_rules`` when already worked out.
    """
    if rules_found is None:
        rules_found = [_text_rules(text, rules) for text in texts]
    model = rules.model
    if model is None or not texts:
        reasons = [None] * len(texts)
    else:
        batch = model.score_many([(text.tokens, text.boundary) for text in texts], [f.total for f, _ in rules_found])
        choices = [_model_choice(model, totals) for totals in batch.totals]
        tops = model.top_many(batch, [text.tokens for text in texts], [c and c[0] for c in choices], MODEL_WORDS)
        reasons = [
            _model_reason(choice, top, text.boundary) for choice, top, text in zip(choices, tops, texts, strict=True)
        ]
    return [
        _decide(found_reasons, found, forced, article_categories, source, rules)
        for found_reasons, (found, forced), article_categories, source in zip(
            reasons, rules_found, categories, sources, strict=True
        )
    ]


def _decide(
    reasons: list[Reason] | None, found: Scores, forced: Scores, categories, source, rules: Rules
) -> list[Reason]:
    """The sections kept: the model's (None: no model, the rules decide), the editors' signals, the fallback."""
    if reasons is None:
        reasons = _editors_signals(categories, source, rules, found).kept(SECTION_THRESHOLD)
    else:
        chosen = {reason.slug for reason in reasons}
        overrides = _editors_signals(categories, source, rules, forced).kept(SECTION_THRESHOLD)
        reasons += [reason for reason in overrides if reason.slug not in chosen]
    if not reasons and FALLBACK_SECTION in rules.sections:
        reasons = [Reason("section", FALLBACK_SECTION, 0.0, "rubrique par défaut", "", "")]
    return reasons


def _model_reasons(model: SectionModel, text: Text, rule_scores: dict[str, float]) -> list[Reason]:
    """Élections if likely enough, else the most probable other section, with the words that weighed most."""
    scored = model.score(text.tokens, text.boundary, rule_scores)
    choice = _model_choice(model, scored.totals)
    top = scored.top(model, text.tokens, choice[0], MODEL_WORDS) if choice else []
    return _model_reason(choice, top, text.boundary)


def _model_choice(model: SectionModel, totals: list[float]) -> tuple[str, float] | None:
    """The model's section and its probability: Élections if likely enough, else the most probable other one."""
    probabilities = model.probabilities(totals)
    if probabilities[ELECTIONS] >= model.threshold:
        slug = ELECTIONS
    else:
        others = model.classes[1:]
        if not others:
            return None
        slug = max(others, key=probabilities.__getitem__)
    return slug, probabilities[slug]


def _model_reason(choice: tuple[str, float] | None, top: list[tuple[str, int]], boundary: int) -> list[Reason]:
    if choice is None:
        return []
    where = FIELD_TITLE if any(index < boundary for _, index in top) else FIELD_SUMMARY
    phrase = ", ".join(f'"{word}"' for word, _ in top)
    return [Reason("section", choice[0], choice[1] * MODEL_SCORE, MODEL_RULE, where, phrase)]
