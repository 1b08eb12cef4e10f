"""The desk teaches the classifier: retraining on editors' examples, activation and rollback.

``model.load_current()`` asks ``active_model_bytes()`` first, so the model stored in the database
(shared by every machine) wins over the file shipped with the code. Activating a model bumps the
"classify" Revision: every process reloads its classifier within seconds.

A new model is kept only if it scores at least as well as the model in service on the editors'
held-out examples, and does not forget the shipped labelled stories (see ``_better``).
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from .evaluate import ELECTIONS, evaluate
from .rules import current_rules
from .text import classify_text

logger = logging.getLogger(__name__)

VALIDATION_SHARE = 5  # one example in five is held out to score the models
BASE_TOLERANCE = 0.02  # how much the shipped stories' score may drop for the editors' sake


def active_model_bytes() -> bytes | None:
    """The active model's bytes from the database, or None when there is none (or no table yet)."""
    from articles.models.classifier import ClassifierModel

    try:
        with transaction.atomic():  # a savepoint: a failed read must not break the caller's transaction
            data = ClassifierModel.objects.filter(active=True).values_list("data", flat=True).first()
    except DatabaseError:
        # Before the migration has run, or with the database away: the shipped file will do.
        logger.warning("could not read the active classifier model from the database", exc_info=True)
        return None
    return bytes(data) if data else None


@dataclass
class RetrainResult:
    status: str  # "skipped", "kept" or "refused"
    new_examples: int
    message: str
    model: object | None = None  # the ClassifierModel row written, if a model was trained
    scores: dict = field(default_factory=dict)


def retrain(min_new: int | None = None, base: list[dict] | None = None) -> RetrainResult:
    """Train on the shipped stories plus the editors' examples once ``min_new`` of them (default
    NEWSROOM_RETRAIN_MIN_EXAMPLES) came in since the last run; keep the new model only if it is
    no worse than the one in service. Both scores are recorded either way.

    ``base``: the labelled stories to learn from besides the examples (default: the shipped ones)."""
    from articles.models import ClassifierModel, TrainingExample

    from . import model as section_model

    threshold = settings.NEWSROOM_RETRAIN_MIN_EXAMPLES if min_new is None else min_new
    last = ClassifierModel.objects.order_by("-trained_at").values_list("trained_at", flat=True).first()
    examples = TrainingExample.objects.all()
    new = (examples.filter(updated__gt=last) if last else examples).count()
    if new < threshold:
        return RetrainResult("skipped", new, f"{new} nouvel(s) exemple(s) sur {threshold} requis : pas d’entraînement.")

    started = timezone.now()  # an example changed while we train counts for the next run
    rows = [example.as_row() for example in examples.order_by("pk")]
    train_rows, held_out = split(rows)
    base = base_rows() if base is None else base
    rules = current_rules()  # the section rules are model features: train with the ones in service
    try:
        candidate = section_model.train(base + train_rows, rules)
    except ValueError as exc:  # nothing to learn from (one kind of story only): wait for more examples
        logger.warning("classifier not retrained: %s", exc)
        return RetrainResult("skipped", new, f"Entraînement impossible : {exc}.")
    current = _current_model()
    scores = {
        "nouveau": {"validation": score(candidate, held_out, rules), "base": score(candidate, base, rules)},
        "en_service": {"validation": score(current, held_out, rules), "base": score(current, base, rules)},
        "exemples": {"entraînement": len(train_rows), "validation": len(held_out), "base": len(base)},
    }
    kept = _better(scores["nouveau"], scores["en_service"])
    with transaction.atomic():
        row = ClassifierModel.objects.create(
            version=_unique_version(str(candidate.version)),
            data=candidate.to_bytes() if kept else b"",
            scores=scores,
            examples=len(rows),
            status=ClassifierModel.Status.KEPT if kept else ClassifierModel.Status.REFUSED,
            trained_at=started,
        )
        if kept:
            activate(row)
    verdict = "retenu et mis en service" if kept else "refusé : moins bon que le modèle en service"
    logger.info("classifier retrained on %d examples: %s %s", len(rows), row.version, verdict)
    return RetrainResult(
        "kept" if kept else "refused", new, f"Modèle {row.version} {verdict}.", model=row, scores=scores
    )


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(training, validation): a stable split by title, so a row stays on its side across runs."""
    train, held_out = [], []
    for row in rows:
        bucket = zlib.crc32(row["title"].encode()) % VALIDATION_SHARE
        (held_out if bucket == 0 else train).append(row)
    if not held_out and len(train) > 1:
        held_out.append(train.pop())
    return train, held_out


def score(section_model, rows: list[dict], rules=None) -> dict[str, float]:
    """Élections F1, other sections' macro F1 and their mean: the whole classifier, with this model."""
    if not rows:
        return {"elections_f1": 0.0, "sections_macro_f1": 0.0, "score": 0.0}
    rules = replace(rules or current_rules(), model=section_model)

    def predict(row: dict) -> tuple[list[str], list[str]]:
        return [], classify_text(row["title"], row.get("summary") or "", (), None, rules).sections

    report = evaluate(rows, predict)
    figures = report.figures()
    elections, sections = figures["elections_f1"], figures["sections_macro_f1"]
    # Rows without another section to tell (Élections alone) are scored on Élections alone.
    kept = [elections, sections] if any(slug != ELECTIONS for slug in report.sections.slugs()) else [elections]
    return {"elections_f1": elections, "sections_macro_f1": sections, "score": round(sum(kept) / len(kept), 3)}


def _better(new: dict, current: dict) -> bool:
    # On the editors' held-out examples, at least as good; on the shipped stories (which both
    # models were trained on), no real loss: editors' labels must not make it forget the rest.
    return (
        new["validation"]["score"] >= current["validation"]["score"]
        and new["base"]["score"] >= current["base"]["score"] - BASE_TOLERANCE
    )


def _current_model():
    from . import model as section_model

    return section_model.load_current()  # None when broken: any new model then beats the rules alone


def base_rows() -> list[dict]:
    """The labelled stories the shipped model learnt from: ``train_classifier``'s default data."""
    from articles.management.commands.train_classifier import DEV, LABELLED

    from .evaluate import load

    return [row for path in (LABELLED, DEV) if path and path.exists() for row in load(path)]


def _unique_version(version: str) -> str:
    from articles.models import ClassifierModel

    candidate, number = version[:60], 1
    while ClassifierModel.objects.filter(version=candidate).exists():
        number += 1
        candidate = f"{version[:56]}-{number}"
    return candidate


@transaction.atomic
def activate(row) -> None:
    """Put ``row`` in service: the model it replaces becomes its ``previous``, every process reloads."""
    from articles.models import ClassifierModel
    from articles.models.tags import RULES
    from localities.models import Revision

    if row.status != ClassifierModel.Status.KEPT or not row.data:
        raise ValueError(f"Le modèle {row.version} a été refusé : il ne peut pas être mis en service.")
    current = ClassifierModel.objects.select_for_update().filter(active=True).first()
    if current is not None and current.pk == row.pk:
        return
    if current is not None:
        ClassifierModel.objects.filter(pk=current.pk).update(active=False)
    row.active, row.activated = True, timezone.now()
    # Rolling back must not make the model we leave the "previous" of the one we go back to.
    if current is not None and row.previous_id is None:
        row.previous = current
    row.save(update_fields=["active", "activated", "previous"])
    Revision.bump(RULES)


@transaction.atomic
def rollback():
    """Put the model in service before the current one back (the shipped file if there was none)."""
    from articles.models import ClassifierModel
    from articles.models.tags import RULES
    from localities.models import Revision

    current = ClassifierModel.objects.select_for_update().filter(active=True).first()
    if current is None:
        raise ValueError("Aucun modèle entraîné n’est en service : le modèle livré est déjà utilisé.")
    ClassifierModel.objects.filter(pk=current.pk).update(active=False)
    previous = current.previous
    if previous is not None and previous.data:
        activate(previous)
    else:
        Revision.bump(RULES)  # back to the shipped file
    return previous
