"""Uploaded imports run in a worker: a bad file or a crash is reported in the job, never raised."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from elections.jobs import run_import_job, upload_path
from elections.models import ImportJob, Result
from elections.tasks import import_election_file
from newsroom.celery import app
from tests.elections.builders import edited, fixture
from tests.helpers import celery_worker, wait_until

TOKEN = "0123456789abcdef0123456789abcdef"


def _job(path, settings, tmp_path, **fields) -> ImportJob:
    settings.VAR_DIR = tmp_path
    upload_path(TOKEN).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, upload_path(TOKEN))
    values = {"election": "municipales-2026", "round": 1, "date": date(2026, 3, 15), "kind": "results"}
    return ImportJob.objects.create(token=TOKEN, filename=path.name, **{**values, **fields})


@pytest.mark.django_db
def test_a_refused_file_is_reported_in_the_job(settings, tmp_path):
    job = _job(edited(tmp_path, "resultats.csv", ";1000;1000;", ";1000;x;"), settings, tmp_path)

    assert import_election_file.apply(args=[job.pk], throw=True).result == ImportJob.Status.REFUSED

    job.refresh_from_db()
    assert job.message.startswith("Fichier refusé, rien n’a été importé : ligne 2, colonne « Votants »")
    assert job.finished is not None and not Result.objects.exists()


@pytest.mark.django_db
def test_a_finished_job_does_not_run_again(settings, tmp_path):
    job = _job(fixture("resultats.csv"), settings, tmp_path)
    assert run_import_job(job.pk) == ImportJob.Status.DONE

    assert run_import_job(job.pk) == "absent"  # a redelivered message
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


@pytest.mark.django_db
def test_a_missing_upload_fails_the_job_without_raising(settings, tmp_path):
    job = _job(fixture("resultats.csv"), settings, tmp_path)
    upload_path(TOKEN).unlink()

    assert run_import_job(job.pk) == ImportJob.Status.FAILED
    assert ImportJob.objects.get().message.startswith("Fichier illisible")


def _embedded_broker(tmp_path) -> tuple[str, dict[str, str]]:
    """The filesystem broker in tmp_path: (broker URL, transport options)."""
    folders = {key: str(tmp_path / "broker" / "queue") for key in ("data_folder_in", "data_folder_out")}
    folders |= {key: str(tmp_path / "broker" / key.split("_")[0]) for key in ("processed_folder", "control_folder")}
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    return "filesystem://", folders


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["redis", "embedded"])
def test_an_upload_is_imported_by_a_real_worker(request, broker, settings, tmp_path):
    job = _job(fixture("resultats.csv"), settings, tmp_path)
    if broker == "redis":
        url, options, broker_dir = request.getfixturevalue("redis_broker_url"), None, None
    else:
        (url, options), broker_dir = _embedded_broker(tmp_path), str(tmp_path / "broker")

    with celery_worker(url, broker_dir=broker_dir, env={"NEWSROOM_VAR_DIR": str(tmp_path)}) as worker:
        with app.connection_for_write(url, transport_options=options) as connection:
            import_election_file.apply_async(args=[job.pk], connection=connection)
        wait_until(
            lambda: ImportJob.objects.get(pk=job.pk).finished or worker.poll() is not None,
            timeout=60,
            message="the worker never finished the import",
        )
        assert worker.poll() is None, "the worker died"

    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    assert Result.objects.filter(round__election__slug="municipales-2026").count() == 2
