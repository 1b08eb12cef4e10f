"""Empty or non-French text gets no commune and no section, with the reason in "why"."""

from __future__ import annotations

import pytest

from articles.classify import classify_text
from articles.classify.text import not_french
from localities.gazetteer import words as words_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title, summary", [("", ""), ("   ", "<p> </p>"), ("2026", "—")])
def test_an_empty_text_gets_nothing_and_says_so(title, summary):
    result = classify_text(title, summary)
    assert (result.communes, result.sections) == ([], [])
    assert result.needs_review
    assert result.as_dict()["why"] == [{"note": "Texte vide : aucune commune ni rubrique."}]


@pytest.mark.parametrize(
    "title, summary",
    [
        (
            "Sète port strike: the ferries to Morocco are cancelled",
            "The union says the strike will last for the whole week.",
        ),
        (
            "Sète: la huelga del puerto",
            "Los ferris con destino a Marruecos han sido cancelados por el sindicato y la empresa.",
        ),
    ],
)
def test_a_text_that_is_not_french_gets_no_commune_and_no_section(title, summary):
    result = classify_text(title, summary)
    assert (result.communes, result.sections) == ([], [])
    assert result.notes == ["Texte qui ne semble pas en français : aucune commune ni rubrique."]


@pytest.mark.parametrize("title", ["Sète : joutes, finale", "MÈZE", "Frontignan – Muscat 2026"])
def test_a_short_french_headline_is_still_classified(title):
    result = classify_text(title)
    assert result.communes
    assert not result.notes


def test_a_french_lead_passes_the_check():
    words = list(words_of("le conseil municipal de la ville a voté le budget et les élus sont partis"))
    assert not_french(words) == ""
