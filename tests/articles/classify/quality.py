"""Scoring the classifier against a labelled set: precision and recall per commune and for Élections."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from articles.classify import classify_text

LABELLED = Path(__file__).with_name("labelled.jsonl")


def load(path: Path = LABELLED) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Score:
    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)
    mistakes: list[str] = field(default_factory=list)

    def precision(self, key: str | None = None) -> float:
        tp, fp = self._sum(self.true_positive, key), self._sum(self.false_positive, key)
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, key: str | None = None) -> float:
        tp, fn = self._sum(self.true_positive, key), self._sum(self.false_negative, key)
        return tp / (tp + fn) if tp + fn else 1.0

    def f1(self, key: str | None = None) -> float:
        p, r = self.precision(key), self.recall(key)
        return 2 * p * r / (p + r) if p + r else 0.0

    @staticmethod
    def _sum(counter: Counter, key: str | None) -> int:
        return counter[key] if key else sum(counter.values())

    def keys(self) -> set[str]:
        return set(self.true_positive) | set(self.false_positive) | set(self.false_negative)


def evaluate(stories: list[dict]) -> tuple[Score, Score]:
    """(communes score, Élections score) of the current rules on ``stories``."""
    communes, elections = Score(), Score()
    for story in stories:
        result = classify_text(story["title"], story.get("summary", ""), story.get("categories", ()))
        got, want = set(result.communes), set(story["communes"])
        for slug in got & want:
            communes.true_positive[slug] += 1
        for slug in got - want:
            communes.false_positive[slug] += 1
        for slug in want - got:
            communes.false_negative[slug] += 1
        if got != want:
            communes.mistakes.append(f"{story['title']!r}: got {sorted(got)}, want {sorted(want)}")
        is_election, wanted = "elections" in result.sections, bool(story["elections"])
        if is_election and wanted:
            elections.true_positive["elections"] += 1
        elif is_election:
            elections.false_positive["elections"] += 1
            elections.mistakes.append(f"{story['title']!r}: tagged Élections")
        elif wanted:
            elections.false_negative["elections"] += 1
            elections.mistakes.append(f"{story['title']!r}: missed Élections")
    return communes, elections
