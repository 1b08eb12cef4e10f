"""The section model: training on a few rows, predicting, explaining, and its versioned file."""

from __future__ import annotations

import zlib

import pytest

from articles.classify.model import MAGIC, ModelError, SectionModel, train
from tests.articles.classify.model_rows import tiny_rows


@pytest.fixture(scope="module")
def tiny_model() -> SectionModel:
    return train(tiny_rows())


def test_a_model_trained_on_a_few_rows_tells_an_election_from_a_concert(tiny_model):
    election = tiny_model.predict("La liste du candidat en tête au premier tour du scrutin")
    concert = tiny_model.predict("Concert de jazz au théâtre ce week-end")
    assert election["elections"] > 0.5 > concert["elections"]
    assert concert["culture"] > concert["sports"]
    assert tiny_model.predict("Rugby : le club gagne le match")["sports"] > 0.5
    assert tiny_model.classes == ["elections", "culture", "sports"]


def test_explain_gives_the_words_that_weighed_most(tiny_model):
    words = tiny_model.explain("Le candidat et sa liste pour le scrutin", "elections", n=3)
    assert len(words) == 3
    assert set(words) & {"candidat", "liste", "scrutin"}
    assert "le" not in words[:1]


def test_a_model_survives_the_round_trip_to_bytes(tiny_model):
    data = tiny_model.to_bytes()
    again = SectionModel.from_bytes(data)
    assert (again.version, again.classes, again.trained_at) == (
        tiny_model.version,
        tiny_model.classes,
        tiny_model.trained_at,
    )
    title = "Le candidat dévoile sa liste"
    assert again.predict(title) == pytest.approx(tiny_model.predict(title), abs=1e-4)
    assert again.to_bytes() == data


def test_the_version_names_the_training_time_and_the_weights(tiny_model):
    stamp, digest = tiny_model.version.rsplit("-", 1)
    assert stamp == tiny_model.trained_at.strftime("%Y%m%d-%H%M%S") and len(digest) == 8


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a model at all",
        MAGIC + b"\x00\x01garbage",
        MAGIC + zlib.compress(b'{"format": 99}\x00\x00'),
        MAGIC + zlib.compress(b'{"format": 1, "classes": ["culture"], "bias": [0], "features": 0}\x00\x00'),
    ],
    ids=["empty", "not-a-model", "damaged", "unknown-format", "inconsistent"],
)
def test_corrupt_bytes_raise_a_model_error_in_french(data):
    with pytest.raises(ModelError) as error:
        SectionModel.from_bytes(data)
    assert any(word in str(error.value) for word in ("modèle", "format"))


def test_a_truncated_file_is_a_model_error(tiny_model):
    data = tiny_model.to_bytes()
    with pytest.raises(ModelError):
        SectionModel.from_bytes(data[: len(data) // 2])


def test_training_needs_both_kinds_of_article():
    rows = [row for row in tiny_rows() if row["elections"]]
    with pytest.raises(ValueError, match="élections"):
        train(rows)


def test_rows_without_a_section_hint_still_teach_elections():
    rows = [{"title": row["title"], "summary": "", "elections": row["elections"]} for row in tiny_rows()]
    model = train(rows)
    assert model.classes == ["elections"]
    assert model.predict("Le candidat et sa liste au scrutin")["elections"] > 0.5
