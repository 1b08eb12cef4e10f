"""A resident walks the site in real headless Chromium: home, a commune, a section, older stories,
search, a story and back to its commune."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.builders import make_article
from tests.helpers import restore_places

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def town(live_server):
    """35 election stories in Sète (more than a page), a few elsewhere, one about the joutes."""
    restore_places()
    now = timezone.now()
    image = f"{live_server.url}/static/img/favicon.svg"
    for n in range(35):
        make_article(
            f"Sète : réunion publique numéro {n:02d}",
            communes=("sete",),
            sections=("elections",),
            published=now - timedelta(hours=2 + n),
            image=image if n % 4 == 0 else "",
        )
    make_article("Frontignan : la fête du muscat", communes=("frontignan",), sections=("culture",))
    make_article(
        "Sète : les joutes de la Saint-Louis",
        communes=("sete",),
        sections=("sports",),
        summary="<p>Le tournoi de <strong>joutes</strong> a réuni la ville sur le canal.</p>",
        published=now - timedelta(minutes=30),
        image=image,
    )


def test_a_resident_walks_from_home_to_a_story_and_back_to_the_town(page, town):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Toute l’actualité"
    assert page.locator("article.card").count() == 30
    assert page.get_by_role("heading", name="Aujourd’hui").is_visible()

    page.locator("nav[aria-label='Communes']").get_by_role("link", name="Sète", exact=True).click()
    page.wait_for_url("**/communes/sete/")
    assert page.locator("h1").inner_text() == "Sète"
    assert "Frontignan : la fête du muscat" not in page.content()

    page.locator("nav.subnav").get_by_role("link", name="Élections").click()
    page.wait_for_url("**/communes/sete/elections/")
    assert page.locator("h1").inner_text() == "Élections à Sète"
    assert "joutes" not in page.locator("main").inner_text()
    first_page = page.locator("h3.card-title").all_inner_texts()
    assert first_page[0] == "Sète : réunion publique numéro 00" and len(first_page) == 30

    page.get_by_role("link", name="Articles plus anciens").click()
    page.wait_for_url("**/communes/sete/elections/?avant=*")
    older = page.locator("h3.card-title").all_inner_texts()
    assert older == [f"Sète : réunion publique numéro {n:02d}" for n in range(30, 35)]

    page.get_by_role("searchbox", name="Rechercher un article").fill("joutes")
    page.get_by_role("searchbox", name="Rechercher un article").press("Enter")
    page.wait_for_url("**/recherche/?q=joutes")
    results = page.locator("h3.card-title")
    assert results.all_inner_texts() == ["Sète : les joutes de la Saint-Louis"]
    assert page.locator("h3.card-title mark").first.inner_text().lower() == "joutes"

    results.first.get_by_role("link").click()
    page.wait_for_url("**/articles/*/")
    assert page.locator("h1").inner_text() == "Sète : les joutes de la Saint-Louis"
    assert page.locator(".summary strong").inner_text() == "joutes"
    assert page.get_by_role("link", name="Lire l’article original sur Le Singulier").is_visible()
    # Pages show only our own thumbnails (pictures/), and none was made here: no picture, no foreign request.
    assert page.locator(".story-image img").count() == 0
    page.locator(".story-tags").get_by_role("link", name="Sète").click()
    page.wait_for_url("**/communes/sete/")
    assert page.locator("h1").inner_text() == "Sète"

    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    assert page.watch.failed_requests == []


def test_a_resident_can_make_a_commune_theirs_and_find_it_from_home(page, town):
    page.goto("/communes/frontignan/")
    page.get_by_role("button", name="En faire ma commune").click()
    page.wait_for_url("**/communes/frontignan/")
    assert page.get_by_text("C’est ma commune").is_visible()
    page.goto("/")
    page.get_by_role("link", name="l’actualité de Frontignan").click()
    page.wait_for_url("**/communes/frontignan/")
    assert page.watch.console_errors == []


def test_the_site_works_from_the_keyboard_with_landmarks_and_alt_text(page, town):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"
    for landmark in ("banner", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() == 1, landmark
    assert page.get_by_role("navigation", name="Communes").is_visible()
    assert page.get_by_role("navigation", name="Rubriques").is_visible()
    levels = page.eval_on_selector_all("h1, h2, h3", "els => els.map(e => Number(e.tagName[1]))")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert page.eval_on_selector_all("img:not([alt])", "els => els.length") == 0
    feeds = page.eval_on_selector_all("link[rel=alternate]", "els => els.map(e => e.type)")
    assert "application/rss+xml" in feeds and "application/atom+xml" in feeds


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_a_phone_and_a_desktop_without_sideways_scrolling(page, town, width):
    page.set_viewport_size({"width": width, "height": 900})
    for url in ("/", "/communes/sete/elections/", "/recherche/?q=joutes", "/sources/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (url, overflow)
    assert page.watch.console_errors == []
