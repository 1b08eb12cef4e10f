"""Celery tasks. Each is thin: it takes an id and calls one plain function."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="elections.tasks.import_election_file", ignore_result=True, acks_late=True)
def import_election_file(job_id: int) -> str:
    # acks_late: a worker killed mid-import leaves the message for another; the import's single
    # transaction means nothing half-written, and the job's status means it runs once.
    from elections.jobs import run_import_job

    return run_import_job(job_id)
