"""Precision and recall on a labelled set of local headlines, per commune and for Élections.

labelled.jsonl: 170+ headlines and summaries written for this project in the style of the origin
page: every commune, every trap the gazetteer knows, stories about two to four
communes and stories about none. Targets: communes precision ≥ 0.98 and recall ≥ 0.95,
Élections F1 ≥ 0.90.
"""

from __future__ import annotations

from collections import Counter

import pytest

from localities.models import Commune
from tests.articles.classify.quality import evaluate, load

pytestmark = pytest.mark.django_db

STORIES = load()


@pytest.fixture(scope="module")
def scores(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return evaluate(STORIES)


def test_the_labelled_set_covers_every_commune_and_the_traps():
    assert len(STORIES) >= 150
    per_commune = Counter(slug for story in STORIES for slug in story["communes"])
    with_django = set(Commune.objects.values_list("slug", flat=True))
    assert set(per_commune) == with_django
    assert min(per_commune.values()) >= 4
    assert sum(1 for story in STORIES if not story["communes"]) >= 20
    assert sum(1 for story in STORIES if len(story["communes"]) >= 2) >= 10
    assert sum(1 for story in STORIES if story["elections"]) >= 40


def test_communes_precision_and_recall_meet_the_targets(scores):
    communes, _ = scores
    assert communes.precision() >= 0.98, "\n".join(communes.mistakes)
    assert communes.recall() >= 0.95, "\n".join(communes.mistakes)


@pytest.mark.parametrize("slug", sorted(Counter(slug for story in STORIES for slug in story["communes"])))
def test_each_commune_is_found_precisely(scores, slug):
    communes, _ = scores
    assert communes.precision(slug) >= 0.98, "\n".join(communes.mistakes)
    assert communes.recall(slug) >= 0.95, "\n".join(communes.mistakes)


def test_elections_f1_meets_the_target(scores):
    _, elections = scores
    assert elections.f1("elections") >= 0.90, "\n".join(elections.mistakes)
