"""A missing or corrupt model: classification falls back to the rules, logs loudly, /healthz says so."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from articles.classify import classify_text, load_rules, model

pytestmark = pytest.mark.django_db

ELECTION = "Municipales : la tête de liste présente ses colistiers"


@pytest.fixture
def shipped(monkeypatch, tmp_path) -> Path:
    """Where the shipped model is looked for, pointed at a test file; the real one is reloaded after."""
    path = tmp_path / "sections.model"
    monkeypatch.setattr(model, "SHIPPED", path)
    yield path
    monkeypatch.undo()
    model.load_current()


@pytest.mark.parametrize(
    "content", [None, b"NRSM\x00garbage", b"{json: no}"], ids=["missing", "corrupt", "not-a-model"]
)
def test_a_broken_model_falls_back_to_the_rules_and_logs_an_error(shipped, content, caplog):
    if content is not None:
        shipped.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="articles.classify.model"):
        rules = load_rules()
    assert rules.model is None
    assert any(record.levelno == logging.ERROR and "rules only" in record.getMessage() for record in caplog.records)
    result = classify_text(ELECTION, rules=rules)
    assert "elections" in result.sections
    assert result.reason("section", "elections").rule == "mot-clé"  # the rules decided, not the model
    status = model.model_status()
    assert status["ok"] is False and status["source"] == str(shipped) and status["error"]


def test_a_model_with_an_undefined_weight_is_refused_and_the_rules_decide(shipped):
    """A NaN or infinite weight would break the packed word weights: the file is refused as corrupt."""
    broken = model.SectionModel.from_bytes((Path(model.__file__).parent / "data" / "sections.model").read_bytes())
    name = next(iter(broken.weights))
    broken.weights[name] = (float("nan"), *broken.weights[name][1:])
    shipped.write_bytes(broken.to_bytes())
    assert load_rules().model is None
    assert "infini" in model.model_status()["error"]


def test_healthz_reports_a_corrupt_model_and_stays_up(shipped, client):
    shipped.write_bytes(b"NRSM not really")
    load_rules()
    response = client.get("/healthz")
    assert response.status_code == 200
    classifier = response.json()["classifier"]
    assert classifier["ok"] is False and "abîmé" in classifier["error"]
    assert response.json()["status"] in {"degraded", "down"}


def test_healthz_reports_the_shipped_model_version(client):
    model.load_current()
    classifier = client.get("/healthz").json()["classifier"]
    assert (
        classifier["ok"] is True
        and classifier["version"] == model.SectionModel.from_bytes(model.SHIPPED.read_bytes()).version
    )
    assert classifier["source"] == str(model.SHIPPED)
