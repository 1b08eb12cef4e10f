"""evaluate.py's arithmetic on a small handmade file, its folds, and the commands that use it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.classify import evaluate
from articles.classify.model import SectionModel
from articles.management.commands import train_classifier
from tests.articles.classify.model_rows import tiny_rows

# (labelled row, (predicted communes, predicted sections strongest first))
CASES = [
    (
        {"title": "Un", "communes": ["sete"], "accept": ["frontignan"], "elections": True, "section_hint": "elections"},
        (["sete", "frontignan"], ["elections"]),
    ),
    (
        {"title": "Deux", "communes": ["meze"], "elections": False, "section_hint": "culture"},
        (["meze", "sete"], ["elections", "culture"]),
    ),
    (
        {"title": "Trois", "communes": [], "elections": True, "elections_debatable": True, "section_hint": "politique"},
        ([], ["societe"]),
    ),
    (
        {"title": "Quatre", "communes": ["gigean"], "elections": True, "section_hint": "elections"},
        ([], ["sports"]),
    ),
    ({"title": "Cinq", "communes": [], "elections": False, "section_hint": "sports"}, ([], ["sports"])),
]


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_scores_on_a_handmade_file_match_the_arithmetic(tmp_path):
    rows = evaluate.load(write_rows(tmp_path / "cas.jsonl", [row for row, _ in CASES]))
    predictions = {row["title"]: predicted for row, predicted in CASES}
    report = evaluate.evaluate(rows, lambda row: predictions[row["title"]])
    # Communes: sete and meze right, sete in "Deux" wrong, gigean missed; frontignan is accepted.
    assert report.communes.precision() == pytest.approx(2 / 3) and report.communes.recall() == pytest.approx(2 / 3)
    # Élections: right in "Un", extra in "Deux", missed in "Quatre"; "Trois" is debatable and skipped.
    assert report.elections.f1("elections") == pytest.approx(0.5)
    # Best other section: culture right, politique missed (societe instead), sports right once and extra once.
    assert report.sections.f1("culture") == 1.0
    assert report.sections.f1("politique") == 0.0 and report.sections.f1("societe") == 0.0
    assert report.sections.f1("sports") == pytest.approx(2 / 3)
    assert report.sections_macro_f1() == pytest.approx((1 + 0 + 0 + 2 / 3) / 4)
    text = evaluate.render(report, worst=4)
    assert "Élections : F1 0.500" in text and "pires erreurs (4 sur 4)" in text and "Élections manquées" in text


def test_a_bad_line_is_an_error_naming_its_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "a", "communes": []}\n{pas du json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ligne 2"):
        evaluate.load(path)


def test_folds_hold_every_row_out_once_and_are_the_same_each_time():
    rows = [{"title": str(i)} for i in range(23)]
    folds = evaluate.split(rows, 5)
    held_out = [row["title"] for _, held in folds for row in held]
    assert sorted(held_out, key=int) == [str(i) for i in range(23)]
    assert all(len(training) + len(held) == 23 for training, held in folds)
    assert evaluate.split(rows, 5) == folds
    with pytest.raises(ValueError, match="plis"):
        evaluate.split(rows, 1)


def more_rows() -> list[dict]:
    """The tiny set twice, the second time with a lead, so that every fold sees every section."""
    rows = tiny_rows()
    return rows + [{**row, "summary": f"Suite : {row['title'].lower()}."} for row in rows]


@pytest.mark.django_db
def test_train_classifier_writes_a_versioned_model_with_its_cross_validated_scores(tmp_path):
    data = write_rows(tmp_path / "tiny.jsonl", more_rows())
    output = tmp_path / "out" / "sections.model"
    out = io.StringIO()
    call_command("train_classifier", data=[str(data)], output=str(output), folds=2, stdout=out)
    model = SectionModel.from_bytes(output.read_bytes())
    assert set(model.scores["tiny.jsonl"]) >= {"elections_f1", "sections_macro_f1"}
    assert "validation croisée (2 plis) sur tiny.jsonl" in out.getvalue()
    assert f"modèle {model.version} écrit dans {output}" in out.getvalue()
    assert model.predict("Le candidat dévoile sa liste pour le scrutin de mars")["elections"] > 0.5


@pytest.mark.django_db
def test_train_classifier_says_when_the_dev_set_is_absent(tmp_path, monkeypatch):
    monkeypatch.setattr(train_classifier, "DEV", tmp_path / "absent" / "dev.jsonl")
    monkeypatch.setattr(train_classifier, "LABELLED", write_rows(tmp_path / "labelled.jsonl", more_rows()))
    out = io.StringIO()
    call_command("train_classifier", output=str(tmp_path / "m.model"), folds=0, stdout=out)
    assert "jeu dev absent" in out.getvalue() and "labelled.jsonl : 28 articles étiquetés" in out.getvalue()


@pytest.mark.django_db
def test_train_classifier_refuses_a_bad_file_in_french(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 1"):
        call_command("train_classifier", data=[str(bad)], output=str(tmp_path / "m.model"), stdout=io.StringIO())
    assert not (tmp_path / "m.model").exists()


@pytest.mark.django_db
def test_classify_evaluate_with_folds_cross_validates_the_model(tmp_path, monkeypatch):
    monkeypatch.setattr(train_classifier, "LABELLED", write_rows(tmp_path / "labelled.jsonl", tiny_rows()))
    rows = [{**row, "communes": []} for row in more_rows()]
    data = write_rows(tmp_path / "cas.jsonl", rows)
    out = io.StringIO()
    call_command("classify", evaluate=str(data), folds=2, stdout=out)
    text = out.getvalue()
    assert "validation croisée en 2 plis (+ 14 articles du jeu des tests" in text and "Élections : F1" in text
    with pytest.raises(CommandError, match="plis"):
        call_command("classify", evaluate=str(data), folds=99, stdout=io.StringIO())


@pytest.mark.django_db
def test_classify_evaluate_without_folds_scores_the_current_classifier(tmp_path):
    data = write_rows(tmp_path / "cas.jsonl", [{**row, "communes": []} for row in tiny_rows()])
    out = io.StringIO()
    call_command("classify", evaluate=str(data), stdout=out)
    assert "classement actuel" in out.getvalue() and "Élections : F1 1.000" in out.getvalue()
