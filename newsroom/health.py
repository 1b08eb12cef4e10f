"""/healthz: the state of the database, the broker and the workers, as JSON."""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()[:300]}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if settings.BROKER_IS_EMBEDDED:
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        os.makedirs(folder, exist_ok=True)
        ok = os.access(folder, os.W_OK)
        return {"ok": ok, "kind": "embedded"} if ok else {"ok": False, "kind": "embedded", "error": "not writable"}
    from kombu import Connection

    started = time.monotonic()
    try:
        with Connection(url, connect_timeout=1, transport_options={"socket_connect_timeout": 1}) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
            if url.startswith(("redis://", "rediss://")):
                conn.default_channel.client.ping()
    except Exception as exc:
        return {"ok": False, "kind": url.split(":", 1)[0], "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "kind": url.split(":", 1)[0], "ms": round((time.monotonic() - started) * 1000, 1)}


def check_worker(database_ok: bool) -> dict:
    if not database_ok:
        return {"ok": False, "error": "database down"}
    from articles.models import WorkerHeartbeat

    try:
        beat = WorkerHeartbeat.objects.order_by("-last_seen").first()
    except Exception as exc:  # e.g. a database not migrated yet: report it, don't answer 500
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    if beat is None:
        return {"ok": False, "last_seen": None, "error": "no heartbeat yet"}
    age = (timezone.now() - beat.last_seen).total_seconds()
    return {
        "ok": age <= settings.NEWSROOM_HEARTBEAT_STALE_SECONDS,
        "last_seen": beat.last_seen.isoformat(),
        "age_seconds": round(age),
        "hostname": beat.hostname,
    }


def check_classifier() -> dict:
    """The section model this process classifies with; a broken one is reported, never fatal."""
    from articles.classify.model import model_status

    try:
        return model_status()
    except Exception as exc:  # a health check must answer whatever happens
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


@never_cache
def healthz(request):
    database = check_database()
    broker = check_broker()
    worker = check_worker(database["ok"])
    status = "ok" if database["ok"] and broker["ok"] and worker["ok"] else "degraded"
    if not database["ok"]:
        status = "down"
    classifier = check_classifier()
    if status == "ok" and not classifier["ok"]:
        status = "degraded"  # sections come from the rules alone until the model is fixed
    body = {"status": status, "database": database, "broker": broker, "worker": worker, "classifier": classifier}
    # Only a dead database makes the site unusable; a broker or worker outage degrades ingest only.
    return JsonResponse(body, status=503 if not database["ok"] else 200)
