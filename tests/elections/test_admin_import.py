"""The admin's upload form: a preview read by the importer, then the import on confirmation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elections.jobs import run_import_job
from elections.models import Election, ImportJob, Result
from tests.elections.builders import edited, fixture

pytestmark = pytest.mark.django_db

URL = reverse("admin:elections_election_import")
FORM = {"election": "municipales-2026", "title": "Municipales 2026", "round": "1", "date": "2026-03-15"}


def _upload(path, name: str = "resultats.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def test_the_preview_shows_the_figures_and_writes_nothing_then_confirming_queues_the_import(
    admin_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    preview = admin_client.post(URL, {**FORM, "file_kind": "results", "file": _upload(fixture("resultats.csv"))})

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Aperçu (rien n’est encore importé)" in html and "Sète (34301)" in html
    assert "46,16% annoncé, 45,16 % recalculé" in html
    assert not Election.objects.exists()
    token = preview.context["token"]

    confirm = {"token": token, "filename": "resultats.csv", "confirm": "1"}
    with django_capture_on_commit_callbacks() as queued:
        done = admin_client.post(URL, {**FORM, "file_kind": "results", **confirm})

    job = ImportJob.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("admin:elections_importjob_change", args=[job.pk])
    assert len(queued) == 1 and not Result.objects.exists()  # the worker imports, not the request
    assert run_import_job(job.pk) == ImportJob.Status.DONE
    assert Result.objects.filter(round__election__slug="municipales-2026").count() == 2
    assert Result.objects.first().source_name == "resultats.csv"
    job.refresh_from_db()
    assert job.message.startswith("3 lignes lues, 2 commune(s) du territoire importée(s).")
    assert not list(tmp_path.glob("election-uploads/*.csv"))  # the upload is gone once imported
    assert admin_client.get(done["Location"]).status_code == 200


def test_a_refused_upload_shows_the_french_error_and_imports_nothing(admin_client, tmp_path):
    path = edited(tmp_path, "resultats.csv", "34;Hérault;34172;Montpellier", "34;Hérault;34999;Nulle-Part")

    response = admin_client.post(URL, {**FORM, "file_kind": "results", "file": _upload(path)})

    assert "Fichier refusé, rien n’a été importé : ligne 3, colonne « Code commune »" in response.content.decode()
    assert not Election.objects.exists()


def test_the_election_list_links_to_the_import(admin_client):
    assert URL in admin_client.get(reverse("admin:elections_election_changelist")).content.decode()


def test_a_reader_cannot_reach_the_import(client):
    assert client.get(URL).status_code == 302  # to the login page
