"""An area-wide article (no commune) says "Bassin de Thau" on its card and its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.builders import make_article

pytestmark = pytest.mark.django_db


def test_an_article_without_commune_shows_bassin_de_thau_on_its_card_and_page(client):
    article = make_article("Étang de Thau : la malaïgue a décimé les huîtres", sections=("environnement",))
    card = client.get(reverse("home")).content.decode()
    assert "Bassin de Thau</span>" in card
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Bassin de Thau</span>" in page
    assert "<dd>Bassin de Thau (aucune commune particulière)</dd>" in page


def test_an_article_with_a_commune_shows_the_commune_not_the_basin(client):
    article = make_article("Sète : la fête de la Saint-Louis", communes=("sete",))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Bassin de Thau</span>" not in page
    assert ">Sète</a>" in page
