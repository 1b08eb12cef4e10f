"""The admin's import: upload a ministry file, see what it holds, then have a worker import it.

The preview reads the file with the importer's own reader (nothing written). The file then waits
in VAR_DIR under a random name; confirming queues an ``ImportJob`` for a worker, since a national
file takes longer than a web request should.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from elections.importer import LISTS, RESULTS, ImportRefused, read_file
from elections.jobs import upload_path, uploads
from elections.models import Election, ImportJob
from elections.tasks import import_election_file
from localities.models import Commune

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_UPLOAD = 200 * 1024 * 1024  # a national polling-station file is about 100 MB


class ImportForm(forms.Form):
    election = forms.SlugField(label="Élection (slug)", max_length=100)
    title = forms.CharField(label="Titre", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Type", choices=[("", "— d’après le fichier —"), *Election.Kind.choices], required=False
    )
    round = forms.TypedChoiceField(label="Tour", choices=[(1, "1er tour"), (2, "2d tour")], coerce=int)
    date = forms.DateField(label="Date du tour", widget=forms.DateInput(attrs={"type": "date"}))
    file_kind = forms.ChoiceField(label="Fichier", choices=[(LISTS, "Listes candidates"), (RESULTS, "Résultats")])
    file = forms.FileField(label="Fichier CSV du ministère", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def clean(self):
        data = super().clean()
        token = data.get("token") or ""
        if token and not (_TOKEN.match(token) and upload_path(token).exists()):
            raise forms.ValidationError("Le fichier envoyé a expiré : envoyez-le à nouveau.")
        if not token and not data.get("file"):
            raise forms.ValidationError("Choisissez un fichier.")
        upload = data.get("file")
        if upload and upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Fichier trop gros (200 Mo au plus).")
        return data

    def job(self, token: str) -> ImportJob:
        data = self.cleaned_data
        return ImportJob(
            election=data["election"],
            title=data["title"],
            election_kind=data["kind"],
            round=data["round"],
            date=data["date"],
            kind=data["file_kind"],
            token=token,
            filename=data["filename"],
        )


def _keep(upload) -> str:
    uploads().mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    with open(upload_path(token), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def import_view(request: HttpRequest) -> HttpResponse:
    """Staff only (wrapped by the admin site); importing needs the right to add elections."""
    if not request.user.has_perm("elections.add_election"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"title": "Importer un fichier du ministère", "form": form, "opts": Election._meta}
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"] or _keep(form.cleaned_data["file"])
        if "confirm" in request.POST and form.cleaned_data["token"]:
            job = form.job(token)
            job.save()
            transaction.on_commit(lambda: import_election_file.delay(job.pk))
            messages.success(request, "Import mis en file : le compte rendu s’affiche ici une fois terminé.")
            return redirect(reverse("admin:elections_importjob_change", args=[job.pk]))
        try:
            with open(upload_path(token), "rb") as stream:
                figures = read_file(stream, form.cleaned_data["file_kind"])
        except ImportRefused as exc:
            upload_path(token).unlink(missing_ok=True)
            context["refused"] = f"Fichier refusé, rien n’a été importé : {exc}"
        else:
            names = dict(Commune.objects.filter(insee__in=figures.communes).values_list("insee", "name"))
            context.update(preview=figures, token=token, names=names)
            form.data = form.data.copy()
            form.data["token"] = token
            if form.cleaned_data["file"]:
                form.data["filename"] = form.cleaned_data["file"].name[:255]
    return render(request, "elections/admin/import.html", context)
