"""Builders for the desk-teaches-the-classifier tests: labelled rows, editors' examples, stored models."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth.models import User

from articles.admin.roles import EDITORS
from articles.classify import model as section_model
from articles.models import ClassifierModel, TrainingExample
from tests.builders import make_person

LABELLED = Path(__file__).with_name("labelled.jsonl")


def labelled_rows() -> list[dict]:
    """Our hand-written headlines, labelled for Élections (communes too)."""
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_editor(username: str = "claire") -> User:
    return make_person(username, EDITORS)


def make_examples(rows: list[dict], *, wrong: bool = False) -> list[TrainingExample]:
    """Editors' examples of ``rows``; ``wrong``: each with its Élections call deliberately reversed."""
    return TrainingExample.objects.bulk_create(
        TrainingExample(
            title=row["title"],
            summary=row.get("summary") or "",
            communes=row.get("communes") or [],
            section=row.get("section_hint") or "",
            elections=bool(row["elections"]) != wrong,
            origin=TrainingExample.Origin.CORRECTION,
        )
        for row in rows
    )


def make_model(rows: list[dict], *, active: bool = True) -> ClassifierModel:
    """A real model trained on ``rows``, stored (and put in service unless ``active`` is False)."""
    trained = section_model.train(rows)
    return ClassifierModel.objects.create(version=trained.version, data=trained.to_bytes(), active=active)


def forget_compiled_rules() -> None:
    """The next classification recompiles: models and aliases of a rolled-back test must not linger
    in this process's compiled rules (see localities.models.LOCAL_BUMPS)."""
    from localities import models

    models.LOCAL_BUMPS += 1
