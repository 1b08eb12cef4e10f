from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.health import record_heartbeat
from articles.models import WorkerHeartbeat
from tests.helpers import ROOT, child_env

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_broker_and_worker_when_all_is_well(client):
    record_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["worker"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_says_when_no_worker_has_run_or_it_is_stale(client):
    body = client.get("/healthz").json()
    assert body["worker"] == {"ok": False, "last_seen": None, "error": "no heartbeat yet"}
    record_heartbeat()
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["worker"]["ok"] is False


PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def _healthz_in_child(**env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=child_env(**env), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_503_when_the_database_is_down():
    # Nothing listens on port 9: the database is really unreachable for this process.
    got = _healthz_in_child(DATABASE_URL="postgres://postgres@127.0.0.1:9/newsroom?connect_timeout=1")
    assert got["status"] == 503
    assert got["body"]["status"] == "down"
    assert got["body"]["database"]["ok"] is False and "OperationalError" in got["body"]["database"]["error"]


def test_healthz_reports_the_broker_down_when_redis_does_not_answer():
    got = _healthz_in_child(CELERY_BROKER_URL="redis://127.0.0.1:9/0")
    assert got["status"] == 200
    assert got["body"]["broker"]["ok"] is False and got["body"]["broker"]["kind"] == "redis"
    assert got["body"]["status"] == "degraded"


def test_healthz_reports_an_unmigrated_database_instead_of_failing(tmp_path):
    got = _healthz_in_child(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert got["status"] == 200
    assert got["body"]["database"]["ok"] is True
    assert got["body"]["worker"]["ok"] is False and "no such table" in got["body"]["worker"]["error"]
