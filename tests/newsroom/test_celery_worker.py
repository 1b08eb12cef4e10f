"""A task goes through a real Celery worker process and writes to the database."""

from __future__ import annotations

import pytest

from articles.models import WorkerHeartbeat
from articles.tasks import heartbeat
from newsroom.celery import app
from tests.helpers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _send(broker_url: str, name: str, **transport_options) -> None:
    with app.connection_for_write(broker_url, transport_options=transport_options or None) as conn:
        heartbeat.apply_async(args=[name], connection=conn)


def test_heartbeat_runs_in_a_real_worker_on_the_redis_broker(redis_broker_url):
    with celery_worker(redis_broker_url) as worker:
        _send(redis_broker_url, "redis-worker")
        wait_until(
            lambda: WorkerHeartbeat.objects.filter(name="redis-worker").exists() or worker.poll() is not None,
            timeout=60,
            message="the worker never stored its heartbeat",
        )
        assert worker.poll() is None, "the worker died"
    assert WorkerHeartbeat.objects.get(name="redis-worker").hostname


def test_heartbeat_runs_in_a_real_worker_on_the_embedded_broker(tmp_path):
    folders = {
        "data_folder_in": str(tmp_path / "queue"),
        "data_folder_out": str(tmp_path / "queue"),
        "processed_folder": str(tmp_path / "processed"),
        "control_folder": str(tmp_path / "control"),
    }
    for folder in set(folders.values()):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    with celery_worker("filesystem://", broker_dir=str(tmp_path)) as worker:
        _send("filesystem://", "embedded-worker", **folders)
        wait_until(
            lambda: WorkerHeartbeat.objects.filter(name="embedded-worker").exists() or worker.poll() is not None,
            timeout=60,
            message="the worker never stored its heartbeat",
        )
        assert worker.poll() is None, "the worker died"
