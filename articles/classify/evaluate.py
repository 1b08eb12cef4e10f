"""Scoring the classifier against labelled articles (JSON lines like the hand-labelled dev set).

A labelled row has ``title``, ``summary``, ``communes`` (required slugs, none when absent), optionally ``accept``
(slugs that may be predicted without penalty), ``elections`` with ``elections_debatable`` (a
debatable row is not scored for Élections), and ``section_hint`` (the best section).

Communes are micro-averaged over (article, commune) pairs: a predicted commune in ``accept`` is
neither right nor wrong; a required one not predicted is a miss. Élections is scored on the
"elections" section. Every other section is scored on the article's best predicted section
against ``section_hint``, and reported with its macro-average.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

ELECTIONS = "elections"
# (communes, sections strongest first) for one labelled row
Predict = Callable[[dict], tuple[list[str], list[str]]]


def load(path: str | Path) -> list[dict]:
    """Labelled rows from a JSON lines file; a bad line is an error naming its number."""
    rows = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"ligne {number} : JSON invalide ({exc.msg})") from exc
            if not isinstance(row, dict) or not isinstance(row.get("title"), str):
                raise ValueError(f"ligne {number} : un objet avec un « title » (texte) est attendu")
            rows.append(row)
    return rows


@dataclass
class Score:
    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)

    def count(self, key: str, got: bool, want: bool) -> None:
        if got and want:
            self.true_positive[key] += 1
        elif got:
            self.false_positive[key] += 1
        elif want:
            self.false_negative[key] += 1

    def precision(self, key: str | None = None) -> float:
        tp, fp = self._sum(self.true_positive, key), self._sum(self.false_positive, key)
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, key: str | None = None) -> float:
        tp, fn = self._sum(self.true_positive, key), self._sum(self.false_negative, key)
        return tp / (tp + fn) if tp + fn else 1.0

    def f1(self, key: str | None = None) -> float:
        p, r = self.precision(key), self.recall(key)
        return 2 * p * r / (p + r) if p + r else 0.0

    def slugs(self) -> list[str]:
        return sorted(set(self.true_positive) | set(self.false_positive) | set(self.false_negative))

    @staticmethod
    def _sum(counter: Counter, key: str | None) -> int:
        return counter[key] if key else sum(counter.values())


@dataclass
class Report:
    communes: Score = field(default_factory=Score)
    elections: Score = field(default_factory=Score)
    sections: Score = field(default_factory=Score)  # best section vs section_hint, Élections aside
    errors: list[tuple[int, str]] = field(default_factory=list)  # (weight, description), worst first

    def sections_macro_f1(self) -> float:
        keys = [key for key in self.sections.slugs() if key != ELECTIONS]
        return sum(self.sections.f1(key) for key in keys) / len(keys) if keys else 0.0

    def figures(self) -> dict[str, float]:
        return {
            "communes_precision": round(self.communes.precision(), 3),
            "communes_recall": round(self.communes.recall(), 3),
            "communes_f1": round(self.communes.f1(), 3),
            "elections_f1": round(self.elections.f1(ELECTIONS), 3),
            "sections_macro_f1": round(self.sections_macro_f1(), 3),
        }


def score_row(report: Report, row: dict, communes: Iterable[str], sections: list[str]) -> None:
    """Add one labelled row's outcome to ``report``."""
    got, want = set(communes), set(row.get("communes") or ())
    accepted = set(row.get("accept") or ())
    title = row.get("id") or row["title"][:60]
    wrong, missed = got - want - accepted, want - got
    for slug in got | want:
        if slug in accepted and slug not in want:
            continue
        report.communes.count(slug, slug in got, slug in want)
    if wrong or missed:
        report.errors.append(
            (
                len(wrong) + len(missed),
                f"{title} « {row['title'][:80]} » : en trop {sorted(wrong)}, manque {sorted(missed)}",
            )
        )
    if not row.get("elections_debatable"):
        is_election, wanted = ELECTIONS in sections, bool(row.get("elections"))
        report.elections.count(ELECTIONS, is_election, wanted)
        if is_election != wanted:
            what = "Élections en trop" if is_election else "Élections manquées"
            report.errors.append((1, f"{title} « {row['title'][:80]} » : {what}"))
    hint = row.get("section_hint")
    if hint:
        best = next((slug for slug in sections if slug != ELECTIONS), None)
        if hint != ELECTIONS:
            report.sections.count(hint, best == hint, True)
        if best and best != hint:
            report.sections.count(best, True, False)


def evaluate(rows: Iterable[dict], predict: Predict, report: Report | None = None) -> Report:
    report = report or Report()
    for row in rows:
        communes, sections = predict(row)
        score_row(report, row, communes, sections)
    report.errors.sort(key=lambda error: -error[0])
    return report


def predict_with_rules(row: dict) -> tuple[list[str], list[str]]:
    """The current classifier on the row's text alone (title and summary, as the labels assume)."""
    from .text import classify_text

    result = classify_text(row["title"], row.get("summary") or "", row.get("categories") or ())
    return result.communes, result.sections


def predict_with(rules) -> Predict:
    """The classifier with given compiled rules (e.g. the current ones with another model)."""
    from .text import classify_text

    def predict(row: dict) -> tuple[list[str], list[str]]:
        result = classify_text(row["title"], row.get("summary") or "", row.get("categories") or (), rules=rules)
        return result.communes, result.sections

    return predict


def split(rows: list[dict], folds: int, seed: int = 0) -> list[tuple[list[dict], list[dict]]]:
    """``folds`` (training rows, held-out rows) pairs; every row is held out once. Same seed, same folds."""
    if folds < 2 or folds > len(rows):
        raise ValueError(f"il faut entre 2 et {len(rows)} plis (demandé : {folds})")
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    place = {index: position % folds for position, index in enumerate(order)}
    return [
        (
            [row for i, row in enumerate(rows) if place[i] != fold],
            [row for i, row in enumerate(rows) if place[i] == fold],
        )
        for fold in range(folds)
    ]


def cross_validate(rows: list[dict], folds: int = 5, extra: list[dict] | None = None, rules=None) -> Report:
    """Train the section model on k-1 folds (plus ``extra`` rows from other files), score the held-out fold.

    Communes come from the rules as usual; every held-out row is scored once, by a model that never saw it.
    """
    from .model import train
    from .rules import current_rules

    rules = rules or current_rules()
    report = Report()
    for training, held_out in split(rows, folds):
        model = train(training + list(extra or ()), rules)
        evaluate(held_out, predict_with(replace(rules, model=model)), report)
    report.errors.sort(key=lambda error: -error[0])
    return report


def render(report: Report, worst: int = 20) -> str:
    figures = report.figures()
    lines = [
        f"communes : précision {figures['communes_precision']:.3f}, rappel {figures['communes_recall']:.3f}, "
        f"F1 {figures['communes_f1']:.3f}",
        f"Élections : F1 {figures['elections_f1']:.3f} (précision {report.elections.precision(ELECTIONS):.3f}, "
        f"rappel {report.elections.recall(ELECTIONS):.3f})",
        f"autres rubriques : F1 macro {figures['sections_macro_f1']:.3f}"
        if report.sections.slugs()
        else "autres rubriques : non mesurées (aucune « section_hint »)",
        "",
        "par commune : précision / rappel / F1",
    ]
    for slug in report.communes.slugs():
        score = report.communes
        lines.append(f"  {slug:20} {score.precision(slug):.3f} / {score.recall(slug):.3f} / {score.f1(slug):.3f}")
    lines.append("par rubrique (meilleure rubrique) : précision / rappel / F1")
    for slug in report.sections.slugs():
        if slug == ELECTIONS:
            continue
        score = report.sections
        lines.append(f"  {slug:20} {score.precision(slug):.3f} / {score.recall(slug):.3f} / {score.f1(slug):.3f}")
    if report.errors and worst > 0:
        lines.append(f"pires erreurs ({min(worst, len(report.errors))} sur {len(report.errors)}) :")
        lines.extend(f"  {text}" for _weight, text in report.errors[:worst])
    return "\n".join(lines)
