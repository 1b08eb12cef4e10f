"""The signup form and the preferences form. Errors are in French and nothing is stored on error."""

from __future__ import annotations

from django import forms

from articles.timelines import directory
from subscriptions.models import Frequency

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 100
HOURS = [(h, f"{h} h") for h in range(24)]


class PreferencesForm(forms.Form):
    commune = forms.MultipleChoiceField(
        label="Communes",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune case cochée : tout le bassin de Thau.",
        error_messages={"invalid_choice": "Commune inconnue : %(value)s."},
    )
    section = forms.MultipleChoiceField(
        label="Rubriques",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune case cochée : toutes les rubriques.",
        error_messages={"invalid_choice": "Rubrique inconnue : %(value)s."},
    )
    keywords = forms.CharField(
        label="Mots-clés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Un mot ou une expression par ligne, {MAX_KEYWORDS} au plus.",
    )
    frequency = forms.ChoiceField(
        label="Fréquence",
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Fréquence inconnue : %(value)s."},
    )
    hour = forms.TypedChoiceField(
        label="Heure d’envoi", choices=HOURS, coerce=int, initial=7, required=False, empty_value=7
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = directory()
        self.fields["commune"].choices = [(c.slug, c.name) for c in known.communes]
        self.fields["section"].choices = [(s.slug, s.name) for s in known.sections]

    def clean_keywords(self) -> list[str]:
        words: list[str] = []
        for line in self.cleaned_data["keywords"].splitlines():
            word = " ".join(line.split())
            if word and word.casefold() not in {w.casefold() for w in words}:
                words.append(word)
        too_long = [w for w in words if len(w) > MAX_KEYWORD_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Un mot-clé fait au plus {MAX_KEYWORD_LENGTH} caractères ; celui-ci en a {len(too_long[0])} : "
                f"« {too_long[0][:30]}… »."
            )
        if len(words) > MAX_KEYWORDS:
            raise forms.ValidationError(f"{MAX_KEYWORDS} mots-clés au plus ; vous en avez saisi {len(words)}.")
        return words

    def clean(self):
        data = super().clean()
        if data.get("frequency") == Frequency.IMMEDIATE and not data.get("keywords") and "keywords" in data:
            self.add_error("keywords", "Les alertes immédiates demandent au moins un mot-clé.")
        return data


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Cette adresse électronique n’est pas valide (exemple : prenom@exemple.fr).",
        },
    )
    field_order = ["email", "commune", "section", "keywords", "frequency", "hour"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
