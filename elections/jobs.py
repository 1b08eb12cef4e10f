"""Run one uploaded import: the worker's task and the tests call :func:`run_import_job`."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from elections.importer import ImportRefused, ImportSpec, import_file
from elections.models import ImportJob

logger = logging.getLogger(__name__)


def uploads() -> Path:
    """Where uploaded files wait for their import (outside git, like every runtime file)."""
    return Path(settings.VAR_DIR) / "election-uploads"


def upload_path(token: str) -> Path:
    return uploads() / f"{token}.csv"


def run_import_job(job_id: int) -> str:
    """Import the job's file; a bad file or a crash is written in the job, never raised at a worker."""
    # A job left "running" by a killed worker runs again: the import is idempotent, in one transaction.
    unfinished = [ImportJob.Status.PENDING, ImportJob.Status.RUNNING]
    job = ImportJob.objects.filter(pk=job_id, status__in=unfinished).first()
    if job is None:
        return "absent"  # already finished (a redelivered message) or deleted
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    spec = ImportSpec(job.election, job.round, job.date, job.kind, job.title, job.election_kind)
    path = upload_path(job.token)
    try:
        figures = import_file(path, spec, name=job.filename)
    except ImportRefused as exc:
        status, message = ImportJob.Status.REFUSED, f"Fichier refusé, rien n’a été importé : {exc}"
    except OSError as exc:
        status, message = ImportJob.Status.FAILED, f"Fichier illisible : {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - recorded for the editor; the worker carries on
        logger.exception("import %s failed", job.pk)
        status, message = ImportJob.Status.FAILED, f"Erreur inattendue, rien n’a été importé : {exc}"
    else:
        status = ImportJob.Status.DONE
        message = "\n".join(
            [f"{figures.rows} lignes lues, {len(figures.communes)} commune(s) du territoire importée(s)."]
            + [f"Écart de pourcentage : {w}" for w in figures.warnings]
        )
    path.unlink(missing_ok=True)
    # Only the first run to finish reports: a duplicate delivery finds the file gone.
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=status, message=message, finished=timezone.now()
    )
    return status
