"""``make run`` warns when the embedded broker already holds a backlog that would delay the demo."""

from __future__ import annotations

from io import StringIO

from articles.management.commands.runstack import BACKLOG_WARNING, Command


def _warnings(settings, tmp_path, waiting: int, embedded: bool = True) -> str:
    queue = tmp_path / "queue"
    queue.mkdir(parents=True)
    for number in range(waiting):
        (queue / f"{number}.msg").write_text("{}")
    settings.BROKER_DIR, settings.BROKER_IS_EMBEDDED = tmp_path, embedded
    said = StringIO()
    Command(stderr=said)._warn_of_backlog()
    return said.getvalue()


def test_a_long_embedded_queue_is_reported_with_how_to_clear_it(settings, tmp_path):
    said = _warnings(settings, tmp_path, BACKLOG_WARNING + 1)
    assert f"{BACKLOG_WARNING + 1} tâches attendent" in said
    assert "make clean" in said


def test_a_short_queue_or_another_broker_says_nothing(settings, tmp_path):
    assert _warnings(settings, tmp_path, BACKLOG_WARNING) == ""
    assert _warnings(settings, tmp_path / "redis", BACKLOG_WARNING + 1, embedded=False) == ""
