"""The project's Celery app with the dispatcher every half second, for beat processes started by tests.

Used as ``celery -A tests.resilience.fast_beat beat``: the real beat, on a schedule short enough for
a test to watch two of them run side by side.
"""

from __future__ import annotations

from newsroom.celery import app

app.conf.beat_schedule = {
    "dispatch-due-sources": {"task": "articles.tasks.dispatch_due_sources", "schedule": 0.5},
}

__all__ = ["app"]
