from __future__ import annotations

import socket

from django.utils import timezone

from articles.models import WorkerHeartbeat

HEARTBEAT_NAME = "celery"


def record_heartbeat(name: str = HEARTBEAT_NAME) -> WorkerHeartbeat:
    """Store that a worker is alive now. Called by the periodic heartbeat task."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now(), "hostname": socket.gethostname()}
    )
    return beat
