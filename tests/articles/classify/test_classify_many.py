"""``classify_many`` classifies a batch exactly as ``classify_text`` classifies each story alone.

Communes, sections, the reasons (scores to the last bit, rules, fields, phrases), the confidence,
the review flag and the notes: the whole ``Classification`` must be equal, whatever the batch holds
(empty or foreign texts, a story twice, a batch of one) and whether the section model is there or not.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from articles.classify import classify_many, classify_text, current_rules
from tests.articles.classify.quality import load

pytestmark = pytest.mark.django_db

STORIES = load()
EDGE_CASES = [
    ("", "", (), None),
    ("   ", "&nbsp;", (), None),
    ("12 34 56", "", (), None),
    ("The mayor of the town said that it was", "and the council will be there with them", (), None),
    ("Der Bürgermeister ist mit den", "und die Stadt ist nicht von", (), None),
    ("<b>Sète</b> &amp; Mèze", "Le maire de Sète&nbsp;a dit", (), None),
]


def _items(stories: list[dict]) -> list[tuple]:
    return [(s["title"], s.get("summary", ""), s.get("categories", ()), None) for s in stories]


def _source(commune: str | None, section: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        default_commune=SimpleNamespace(slug=commune) if commune else None,
        default_section=SimpleNamespace(slug=section) if section else None,
    )


def _alone(items, rules) -> list:
    return [classify_text(title, summary, categories, source, rules) for title, summary, categories, source in items]


@pytest.mark.parametrize("with_model", [True, False], ids=["model", "rules-alone"])
def test_every_labelled_story_in_one_batch_is_classified_as_alone(with_model):
    rules = current_rules()
    if not with_model:
        rules = replace(rules, model=None)
    else:
        assert rules.model is not None
    items = _items(STORIES)
    assert classify_many(items, rules) == _alone(items, rules)


def test_titles_alone_summaries_alone_and_sources_defaults_match_too():
    rules = current_rules()
    items = [(s["title"], "", (), None) for s in STORIES]
    items += [("", s.get("summary", ""), (), None) for s in STORIES]
    items += [(s["title"], s.get("summary", ""), ["Sète", "Politique"], _source("meze", "culture")) for s in STORIES]
    assert classify_many(items, rules) == _alone(items, rules)


def test_empty_and_non_french_texts_in_a_batch_are_refused_as_alone():
    rules = current_rules()
    items = EDGE_CASES + _items(STORIES[:5]) + EDGE_CASES
    results = classify_many(items, rules)
    assert results == _alone(items, rules)
    assert results[0].notes == ["Texte vide : aucune commune ni rubrique."]
    assert results[3].notes == ["Texte qui ne semble pas en français : aucune commune ni rubrique."]
    assert results[0].communes == results[0].sections == []


def test_a_batch_of_one_an_empty_batch_and_repeats():
    rules = current_rules()
    assert classify_many([], rules) == []
    only_refused = classify_many(EDGE_CASES[:2], rules)
    assert only_refused == _alone(EDGE_CASES[:2], rules)
    items = _items(STORIES[:3])
    for item in items:
        assert classify_many([item], rules) == _alone([item], rules)
    twice = items + items
    assert classify_many(twice, rules) == _alone(twice, rules)


def test_the_batch_does_not_depend_on_its_neighbours():
    rules = current_rules()
    items = _items(STORIES)
    whole = classify_many(items, rules)
    chunks = [result for i in range(0, len(items), 7) for result in classify_many(items[i : i + 7], rules)]
    assert chunks == whole
    assert classify_many(items[::-1], rules) == whole[::-1]


def test_the_current_rules_are_used_by_default():
    item = _items(STORIES[:1])[0]
    assert classify_many([item]) == [classify_text(*item)]


def test_batches_in_parallel_threads_learning_new_words_agree():
    # A fresh copy of the model: every word is new to it, so the threads add its rows together.
    from concurrent.futures import ThreadPoolExecutor

    from articles.classify.model import SectionModel

    rules = current_rules()
    fresh = replace(rules, model=SectionModel.from_bytes(rules.model.to_bytes()))
    items = _items(STORIES)
    expected = _alone(items, rules)
    orders = [items, items[::-1], items[1::2] + items[::2], items]
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda order: classify_many(order, fresh), orders))
    position = {id(item): index for index, item in enumerate(items)}
    for order, results in zip(orders, found, strict=True):
        assert results == [expected[position[id(item)]] for item in order]
