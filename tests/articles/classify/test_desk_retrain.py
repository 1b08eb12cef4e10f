"""Retraining on editors' examples: a better model goes into service, a worse one is refused,
both scores are recorded, and an editor can roll back."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.classify import current_rules, training
from articles.models import ClassifierModel, TrainingExample
from localities.models import Revision
from tests.articles.classify.desk_builders import forget_compiled_rules, labelled_rows, make_examples, make_model

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rules_afterwards():
    yield
    forget_compiled_rules()


def classify_revision() -> int:
    return Revision.objects.filter(name="classify").values_list("number", flat=True).first() or 0


def few_rows(rows: list[dict], count: int = 6) -> list[dict]:
    """``count`` stories on elections and as many on something else: a weak model's diet."""
    return [row for row in rows if row["elections"]][:count] + [row for row in rows if not row["elections"]][:count]


def test_retraining_waits_for_enough_new_examples(settings):
    settings.NEWSROOM_RETRAIN_MIN_EXAMPLES = 5
    make_examples(labelled_rows()[:4])
    result = training.retrain()
    assert (result.status, result.new_examples) == ("skipped", 4)
    assert not ClassifierModel.objects.exists()


def test_a_better_model_goes_into_service_with_both_scores(settings):
    settings.NEWSROOM_RETRAIN_MIN_EXAMPLES = 50
    rows = labelled_rows()
    base = few_rows(rows)
    old = make_model(base)
    make_examples([row for row in rows if row not in base])
    before = classify_revision()

    result = training.retrain(base=base)

    assert result.status == "kept", result.scores
    new = ClassifierModel.objects.get(active=True)
    assert new == result.model and new.previous == old and new.examples == len(rows) - len(base)
    scores = new.scores
    assert scores["nouveau"]["validation"]["score"] > scores["en_service"]["validation"]["score"]
    assert set(scores["nouveau"]["validation"]) == {"elections_f1", "sections_macro_f1", "score"}
    assert classify_revision() == before + 1
    assert current_rules().model.version == new.version  # this process reloads at once


def test_a_model_taught_wrong_labels_is_refused_and_its_scores_kept(settings):
    rows = labelled_rows()[:110]
    current = make_model(rows)
    make_examples(rows, wrong=True)  # the same stories, each with the wrong Élections call
    before = classify_revision()

    result = training.retrain(min_new=1, base=rows)

    assert result.status == "refused", result.scores
    refused = result.model
    assert (refused.status, refused.active, bytes(refused.data)) == ("refused", False, b"")
    assert refused.scores["nouveau"]["base"]["score"] < refused.scores["en_service"]["base"]["score"]
    assert ClassifierModel.objects.get(active=True) == current
    assert classify_revision() == before


def test_only_examples_changed_since_the_last_run_count_as_new():
    rows = labelled_rows()
    make_examples(rows[:40])
    assert training.retrain(min_new=1, base=few_rows(rows)).new_examples == 40
    assert training.retrain(min_new=1).status == "skipped"  # nothing new since that run
    TrainingExample.objects.filter(pk=TrainingExample.objects.first().pk).update(updated=timezone.now())
    assert training.retrain(min_new=1, base=few_rows(rows)).new_examples == 1


def test_rollback_puts_the_previous_model_back_then_the_shipped_file():
    rows = labelled_rows()
    first = make_model(few_rows(rows))
    second = make_model(rows, active=False)
    training.activate(second)
    assert current_rules().model.version == second.version

    assert training.rollback() == first
    assert ClassifierModel.objects.get(active=True) == first
    assert current_rules().model.version == first.version

    assert training.rollback() is None  # no model before the first: back to the shipped file
    assert not ClassifierModel.objects.filter(active=True).exists()
    assert training.active_model_bytes() is None
    with pytest.raises(ValueError, match="Aucun modèle entraîné"):
        training.rollback()


def test_a_refused_model_cannot_be_put_in_service():
    refused = ClassifierModel.objects.create(version="refusé", status=ClassifierModel.Status.REFUSED)
    with pytest.raises(ValueError, match="refusé"):
        training.activate(refused)


def test_the_command_forces_a_run_and_rolls_back(capsys, settings):
    settings.NEWSROOM_RETRAIN_MIN_EXAMPLES = 1000
    rows = labelled_rows()
    make_model(few_rows(rows))
    make_examples(rows[:80])
    call_command("retrain_classifier")
    assert "pas d’entraînement" in capsys.readouterr().out
    call_command("retrain_classifier", "--force")
    out = capsys.readouterr().out
    assert "Modèle" in out and '"validation"' in out
    assert ClassifierModel.objects.count() == 2
    call_command("retrain_classifier", "--rollback")
    assert capsys.readouterr().out.startswith("En service : ")
    if ClassifierModel.objects.filter(active=True).exists():  # the new model was kept: back to the old one
        call_command("retrain_classifier", "--rollback")  # then to the shipped file
    with pytest.raises(CommandError, match="Aucun modèle entraîné"):
        call_command("retrain_classifier", "--rollback")


def test_examples_that_teach_nothing_leave_the_model_in_service_alone():
    rows = [row for row in labelled_rows() if not row["elections"]][:20]
    make_examples(rows)
    result = training.retrain(min_new=1, base=[])
    assert result.status == "skipped" and result.message.startswith("Entraînement impossible : il faut des exemples")
    assert not ClassifierModel.objects.exists()
