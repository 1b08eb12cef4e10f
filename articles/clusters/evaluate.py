"""Scoring the matcher on labelled pairs of versions (same event or not), against a baseline.

The baseline is NewsBlur's story clustering rule: the same title, else titles sharing significant
words with an overlap of at least 0.6 and at least 3 words, among stories up to 120 hours apart.
Both see only what a pair file gives: title, lead, source, communes and hours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import normalise
from .match import Version, compare

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BASELINE_WINDOW = timedelta(hours=120)
BASELINE_OVERLAP = 0.6
BASELINE_WORDS = 3


@dataclass
class Result:
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    def add(self, same: bool, predicted: bool) -> None:
        if predicted:
            self.true_pos, self.false_pos = self.true_pos + same, self.false_pos + (not same)
        else:
            self.false_neg, self.true_neg = self.false_neg + same, self.true_neg + (not same)

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name}: precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"({self.true_pos} found, {self.false_pos} wrong, {self.false_neg} missed, {self.true_neg} kept apart)"
        )


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def version(story: dict, pk: int) -> Version:
    """A matcher's version of a labelled story; sources and communes become stable small numbers."""
    title, summary = story["title"], story.get("summary", "")
    return Version(
        pk=pk,
        source_id=_number(story["source"]),
        published=START + timedelta(hours=story.get("hours", 0)),
        cluster_id=pk,
        title_key=normalise.title_key(title),
        url_key=normalise.url_key(story.get("url", "")),
        features=normalise.features(title, summary),
        communes=frozenset(_number(slug) for slug in story.get("communes", ())),
    )


def _number(name: str) -> int:
    return int.from_bytes(name.encode()[:7].ljust(7, b"\0"), "big") + len(name)


def ours(a: dict, b: dict) -> bool:
    return compare(version(b, 2), version(a, 1)) is not None


def newsblur(a: dict, b: dict) -> bool:
    """NewsBlur's rule, as reimplemented here from its description (titles only)."""
    if (
        a["source"] == b["source"]
        or abs(a.get("hours", 0) - b.get("hours", 0)) > BASELINE_WINDOW.total_seconds() / 3600
    ):
        return False
    if normalise.fold(a["title"]).strip() == normalise.fold(b["title"]).strip():
        return True
    first, second = _significant(a["title"]), _significant(b["title"])
    shared = first & second
    if len(shared) < BASELINE_WORDS or not first or not second:
        return False
    return len(shared) / min(len(first), len(second)) >= BASELINE_OVERLAP


def _significant(title: str) -> set[str]:
    words = normalise.TOKEN.findall(normalise.fold(title))
    return {word for word in words if len(word) > 2 and word not in normalise.STOP_WORDS}


def score(pairs: list[dict]) -> tuple[Result, Result, list[dict]]:
    """(our result, the baseline's, the pairs we got wrong)."""
    mine, baseline, wrong = Result(), Result(), []
    for pair in pairs:
        predicted = ours(pair["a"], pair["b"])
        mine.add(pair["same"], predicted)
        baseline.add(pair["same"], newsblur(pair["a"], pair["b"]))
        if predicted != pair["same"]:
            wrong.append(pair)
    return mine, baseline, wrong
