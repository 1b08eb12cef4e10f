from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.builders import make_source

pytestmark = pytest.mark.django_db


def test_the_sources_page_shows_each_source_last_fetch_and_last_new_story(client):
    now = timezone.now()
    make_source(
        "Le Singulier",
        last_checked_at=now - timedelta(minutes=5),
        last_success_at=now - timedelta(minutes=5),
        last_new_article_at=now - timedelta(hours=3),
    )
    make_source("Thau Info", last_checked_at=now - timedelta(minutes=2), error_count=3, needs_attention=True)
    make_source("Jamais relevée")
    make_source("Désactivée", enabled=False)
    html = client.get("/sources/").content.decode()
    singulier = html.split("Le Singulier")[1].split("</tr>")[0]
    assert "il y a 5 minutes" in singulier and "il y a 3 heures" in singulier and "En ordre" in singulier
    thau = html.split("Thau Info")[1].split("</tr>")[0]
    assert "À surveiller (3 erreurs de suite)" in thau and "aucun pour l’instant" in thau
    assert "jamais" in html.split("Jamais relevée")[1].split("</tr>")[0]
    assert "Désactivée" not in html


def test_robots_txt_keeps_crawlers_out_of_the_newsroom_desk(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and "Disallow: /admin/" in response.content.decode()
