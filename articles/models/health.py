from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran the periodic heartbeat task. /healthz reads it."""

    name = models.CharField("nom", max_length=100, unique=True)
    last_seen = models.DateTimeField("dernier signe de vie", default=timezone.now)
    hostname = models.CharField("machine", max_length=255, blank=True)

    class Meta:
        verbose_name = "signe de vie d’un worker"
        verbose_name_plural = "signes de vie des workers"

    def __str__(self) -> str:
        return f"{self.name} ({self.last_seen:%Y-%m-%d %H:%M:%S})"
