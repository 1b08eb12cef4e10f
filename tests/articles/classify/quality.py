"""Scoring the classifier against a labelled set: precision and recall per commune and for Élections."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from articles.classify import classify_text, evaluate

LABELLED = Path(__file__).with_name("labelled.jsonl")


def load(path: Path = LABELLED) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Score(evaluate.Score):
    """The command's score, with the mistakes listed for an assertion's message."""

    mistakes: list[str] = field(default_factory=list)


def evaluate(stories: list[dict]) -> tuple[Score, Score]:
    """(communes score, Élections score) of the current rules on ``stories``."""
    communes, elections = Score(), Score()
    for story in stories:
        result = classify_text(story["title"], story.get("summary", ""), story.get("categories", ()))
        got, want = set(result.communes), set(story["communes"])
        for slug in got | want:
            communes.count(slug, slug in got, slug in want)
        if got != want:
            communes.mistakes.append(f"{story['title']!r}: got {sorted(got)}, want {sorted(want)}")
        is_election, wanted = "elections" in result.sections, bool(story["elections"])
        elections.count("elections", is_election, wanted)
        if is_election != wanted:
            elections.mistakes.append(f"{story['title']!r}: {'tagged' if is_election else 'missed'} Élections")
    return communes, elections
