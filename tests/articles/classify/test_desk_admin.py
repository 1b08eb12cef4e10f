"""The admin shows the model in service (version, scores, training date); editors activate or roll back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ClassifierModel
from tests.articles.classify.desk_builders import labelled_rows, make_editor, make_model

pytestmark = pytest.mark.django_db
MODELS = "admin:articles_classifiermodel_changelist"
SCORES = {
    "nouveau": {"validation": {"score": 0.912}, "base": {"score": 0.981}},
    "en_service": {"validation": {"score": 0.874}, "base": {"score": 0.979}},
}


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def stored_models() -> tuple[ClassifierModel, ClassifierModel]:
    rows = labelled_rows()[:60]  # real models, small ones: the page is under test, not their quality
    old = make_model(rows[:30], active=False)
    new = make_model(rows)
    ClassifierModel.objects.filter(pk=new.pk).update(
        scores=SCORES, trained_at=timezone.make_aware(timezone.datetime(2026, 11, 30, 9, 15)), previous=old
    )
    return old, ClassifierModel.objects.get(pk=new.pk)


def test_the_models_page_shows_the_model_in_service_with_its_scores_and_date(editor_client):
    _old, new = stored_models()
    page = editor_client.get(reverse(MODELS)).content.decode()
    assert f"En service : modèle <strong>{new.version}</strong>, entraîné le 30/11/2026 09:15" in page
    assert "validation 0.912 · base 0.981" in page  # the model's scores
    assert "validation 0.874 · base 0.979" in page  # the scores of the model it replaced, same rows
    assert "Revenir au modèle précédent" in page


def test_without_a_trained_model_the_page_says_the_shipped_one_is_used(editor_client):
    page = editor_client.get(reverse(MODELS)).content.decode()
    assert "le modèle livré avec le code" in page


def test_an_editor_rolls_back_in_one_click(editor_client):
    old, new = stored_models()
    response = editor_client.post(reverse("admin:articles_classifiermodel_rollback"), follow=True)
    assert f"Retour arrière : en service, modèle {old.version}" in response.content.decode()
    assert ClassifierModel.objects.get(active=True) == old


def test_an_editor_puts_a_chosen_model_in_service(editor_client):
    old, new = stored_models()
    data = {"action": "activate", "_selected_action": [old.pk]}
    response = editor_client.post(reverse(MODELS), data, follow=True)
    assert f"Modèle {old.version} en service." in response.content.decode()
    assert ClassifierModel.objects.get(active=True) == old
    assert ClassifierModel.objects.get(pk=old.pk).previous == new
