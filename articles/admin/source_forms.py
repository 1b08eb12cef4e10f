"""Forms of the sources desk: add a source by URL, try a scrape recipe."""

from __future__ import annotations

import json

from django import forms

from articles.ingest.scrape import RecipeError, check_recipe
from articles.models import Section
from localities.models import Commune


def parse_recipe(text: str, *, required: bool) -> dict:
    """A recipe typed as JSON; raises ValidationError with a sentence an editor can act on."""
    if not text.strip():
        if required:
            raise forms.ValidationError("Donnez une recette : un objet JSON avec item, title et link.")
        return {}
    try:
        recipe = json.loads(text)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(f"Ce n’est pas du JSON valide : {exc.msg} (ligne {exc.lineno}).") from exc
    try:
        check_recipe(recipe)
    except RecipeError as exc:
        raise forms.ValidationError(str(exc)) from exc
    return recipe


class AddSourceForm(forms.Form):
    url = forms.URLField(
        label="Adresse du site ou du flux",
        max_length=2000,
        assume_scheme="https",
        help_text="Page d’accueil du site (le flux est cherché) ou adresse directe du flux RSS/Atom.",
    )
    name = forms.CharField(label="Nom", max_length=200, required=False, help_text="Pris dans le flux si vide.")
    recipe = forms.CharField(
        label="Recette d’extraction (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seulement pour une page sans flux : sélecteurs CSS item, title, link (et summary, date, image).",
    )
    default_section = forms.ModelChoiceField(Section.objects.all(), label="Rubrique par défaut", required=False)
    default_commune = forms.ModelChoiceField(Commune.objects.all(), label="Commune par défaut", required=False)

    def clean_recipe(self) -> dict:
        return parse_recipe(self.cleaned_data["recipe"], required=False)


class RecipeTestForm(forms.Form):
    url = forms.URLField(label="Page à extraire", max_length=2000, assume_scheme="https")
    recipe = forms.CharField(label="Recette (JSON)", widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))

    def clean_recipe(self) -> dict:
        return parse_recipe(self.cleaned_data["recipe"], required=True)
