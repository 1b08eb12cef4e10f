"""A resident meets an event told by three outlets in real headless Chromium: one card with
"Aussi chez …", then the event page with every version, then one outlet's version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.builders import make_article, make_cluster, make_source
from tests.helpers import restore_places

FRENCH_DATE = re.compile(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d+ \w+ \d{4} à \d+ h \d\d")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event(live_server):
    restore_places()
    now = timezone.now()
    tags = {"communes": ("sete",), "sections": ("economie",)}
    versions = [
        make_article(
            "Sète : la criée inaugure sa nouvelle salle des ventes",
            published=now - timedelta(hours=3),
            summary="<p>Nouvel écran d’enchères et chambres froides refaites.</p>",
            **tags,
        ),
        make_article(
            "La criée de Sète fait peau neuve",
            source=make_source("Thau Infos"),
            published=now - timedelta(hours=2),
            summary="<p>Les mareyeurs découvrent la salle rénovée.</p>",
            **tags,
        ),
        make_article(
            "Sète : une salle des ventes rénovée à la criée",
            source=make_source("Midi Libre"),
            published=now - timedelta(hours=1),
            summary="<p>Un chantier de six mois s’achève quai Maximin-Licciardi.</p>",
            **tags,
        ),
    ]
    make_article("Sète : le pont de la Savonnerie fermé une nuit", **tags)
    return make_cluster(*versions)


def test_a_resident_opens_an_event_card_then_its_versions(page, event):
    page.goto("/communes/sete/")
    cards = page.locator("article.card")
    assert cards.count() == 2
    card = cards.filter(has_text="la criée inaugure")
    also = card.locator("p.card-versions")
    assert also.inner_text().startswith("Aussi chez Thau Infos, Midi Libre")
    assert "fait peau neuve" not in page.locator("main").inner_text()

    also.get_by_role("link", name="Voir l’événement (3 sources)").click()
    page.wait_for_url(f"**/evenements/{event.pk}/")
    assert page.locator("h1").inner_text() == "Sète : la criée inaugure sa nouvelle salle des ventes"
    versions = page.locator("section.event-versions article.card")
    assert versions.count() == 3
    assert versions.locator("span.source").all_inner_texts() == ["Le Singulier", "Thau Infos", "Midi Libre"]
    assert versions.nth(1).get_by_text("Les mareyeurs découvrent la salle rénovée.").is_visible()
    assert FRENCH_DATE.fullmatch(versions.nth(0).locator("time").inner_text())

    versions.nth(2).get_by_role("link", name="Sète : une salle des ventes rénovée à la criée").click()
    page.wait_for_url("**/articles/*/")
    assert page.locator("h1").inner_text() == "Sète : une salle des ventes rénovée à la criée"
    assert page.watch.console_errors == [] and page.watch.failed_requests == []
    assert page.watch.foreign_requests == []


def test_the_card_links_each_other_version(page, event):
    page.goto("/")
    page.locator("p.card-versions").get_by_role("link", name="Thau Infos").click()
    page.wait_for_url("**/articles/*/")
    assert page.locator("h1").inner_text() == "La criée de Sète fait peau neuve"
