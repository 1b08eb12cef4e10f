from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles.models import Article
from tests.builders import make_article

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def test_the_story_page_shows_title_source_date_summary_tags_image_and_original_link(client):
    story = make_article(
        "Frontignan : la fête du muscat attire la foule",
        communes=("frontignan",),
        sections=("culture", "economie"),
        summary="<p>Plus de <strong>20 000</strong> visiteurs &amp; des vignerons ravis.</p>",
        image="https://img.example/muscat.jpg",
        url="https://lesinguliersete.fr/frontignan-muscat",
        published=datetime(2026, 8, 15, 7, 3, tzinfo=PARIS),
    )
    html = client.get(f"/articles/{story.pk}/").content.decode()
    assert "<h1>Frontignan : la fête du muscat attire la foule</h1>" in html
    assert '<span class="source">Le Singulier</span>' in html
    assert '<time datetime="2026-08-15T07:03:00+02:00">samedi 15 août 2026 à 7 h 03</time>' in html
    assert "<p>Plus de <strong>20 000</strong> visiteurs &amp; des vignerons ravis.</p>" in html
    assert '<a href="/communes/frontignan/">Frontignan</a>' in html
    assert '<a href="/rubriques/economie/">Économie</a>, <a href="/rubriques/culture/">Culture</a>' in html
    assert "img.example" not in html  # pages show only our own copy (pictures/), never the original
    assert 'href="https://lesinguliersete.fr/frontignan-muscat"' in html and "Lire l’article original" in html


def test_a_summary_is_rendered_as_html_but_never_runs_script(client):
    story = make_article(summary='<p>Texte</p><script>alert(1)</script><img src=x onerror="alert(2)">')
    html = client.get(f"/articles/{story.pk}/").content.decode()
    assert "<p>Texte</p>" in html
    assert "<script>alert" not in html and "onerror" not in html


@time_machine.travel(datetime(2026, 11, 29, 12, 0, tzinfo=PARIS), tick=False)
def test_related_stories_of_the_same_town_are_en_ligne_cards(client):
    now = datetime(2026, 11, 29, 12, 0, tzinfo=PARIS)
    story = make_article("Sète : le nouveau port", communes=("sete",), published=now - timedelta(days=1))
    make_article(
        "Sète : Laura Seguin fait carton plein à son meeting",
        communes=("sete",),
        published=now - timedelta(days=29),
    )
    make_article("Le casino devient un pôle santé", communes=("sete",), published=now - timedelta(days=22))
    make_article("Gigean : rien à voir", communes=("gigean",))
    make_article("Sète : masqué", communes=("sete",), status=Article.Status.HIDDEN)
    html = client.get(f"/articles/{story.pk}/").content.decode()
    related = html.split("À lire aussi à Sète")[1]
    assert '<span class="badge">Sète</span> <span class="label">En ligne</span>' in related
    assert "4 semaines</time>" in related and "3 semaines</time>" in related
    assert "Sète : Laura Seguin fait carton plein à son meeting</a>" in related
    assert "Sète : Le casino devient un pôle santé</a>" in related
    assert "Gigean" not in related.split("</section>")[0].split("Toute l’actualité")[0].replace("/communes/gigean/", "")
    assert "masqué" not in related and "le nouveau port" not in related


def test_a_hidden_or_missing_story_is_a_404(client):
    hidden = make_article(status=Article.Status.HIDDEN)
    assert client.get(f"/articles/{hidden.pk}/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404
