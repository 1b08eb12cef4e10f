"""Through a real Celery worker: editors' corrections retrain the model, and another process uses it."""

from __future__ import annotations

import os

import pytest

from articles.admin import tagging
from articles.classify import classify_text, current_rules
from articles.models import ClassifierModel, Section
from articles.tasks import retrain_classifier
from newsroom.celery import app
from tests.articles.classify.desk_builders import make_editor
from tests.builders import make_article
from tests.helpers import celery_worker, wait_until

# A transactional test flushes the tables; tests/conftest.py replays the seeded rows before each one.
pytestmark = pytest.mark.django_db(transaction=True)
TOWNS = (
    "Sète",
    "Mèze",
    "Frontignan",
    "Gigean",
    "Poussan",
    "Loupian",
    "Bouzigues",
    "Marseillan",
    "Mireval",
    "Montbazin",
)


@pytest.fixture
def broker(request, tmp_path) -> tuple[str, dict, str | None]:
    """(broker URL, transport options, broker folder): Redis when the suite has it, else the embedded broker."""
    if os.environ.get("REDIS_URL"):
        return request.getfixturevalue("redis_broker_url"), {}, None
    folders = {name: str(tmp_path / "queue") for name in ("data_folder_in", "data_folder_out")}
    folders.update(processed_folder=str(tmp_path / "processed"), control_folder=str(tmp_path / "control"))
    for folder in set(folders.values()):
        os.makedirs(folder, exist_ok=True)
    return "filesystem://", folders, str(tmp_path)


def editors_teach_a_new_word() -> int:
    """Editors file every "bambalouk" under Élections and every "ramdam" under Culture: 40 corrections."""
    editor = make_editor()
    elections, culture = Section.objects.get(slug="elections"), Section.objects.get(slug="culture")
    for number, town in enumerate(TOWNS * 2, start=1):
        for word, section in (("grand bambalouk", elections), ("joyeux ramdam", culture)):
            story = make_article(f"{town} : le {word} n° {number}", summary="Les habitants sont attendus dimanche.")
            tagging.set_section([story.pk], section, editor)
    return 2 * len(TOWNS) * 2


def test_corrections_retrain_on_the_worker_and_another_process_uses_the_new_model(broker):
    url, options, folder = broker
    count = editors_teach_a_new_word()
    env = {"NEWSROOM_RETRAIN_MIN_EXAMPLES": str(count)}
    with celery_worker(url, broker_dir=folder, env=env) as worker:
        with app.connection_for_write(url, transport_options=options or None) as conn:
            retrain_classifier.apply_async(connection=conn)
        wait_until(
            lambda: ClassifierModel.objects.exists() or worker.poll() is not None,
            timeout=180,
            message="the worker never retrained the classifier",
        )
        assert worker.poll() is None, "the worker died"
    trained = ClassifierModel.objects.get()
    assert (trained.status, trained.active, trained.examples) == ("kept", True, count), trained.scores
    new, old = trained.scores["nouveau"]["validation"], trained.scores["en_service"]["validation"]
    assert new["elections_f1"] > old["elections_f1"]

    # This test's process is another one: it reloads within seconds of the worker's bump.
    wait_until(lambda: getattr(current_rules().model, "version", None) == trained.version, timeout=30)
    result = classify_text("Balaruc-les-Bains : le grand bambalouk de mars", "")
    reason = next(reason for reason in result.why if reason.tag == "section")
    assert (reason.slug, reason.rule) == ("elections", "modèle") and "bambalouk" in reason.phrase
