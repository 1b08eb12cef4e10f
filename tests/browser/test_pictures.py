"""Pictures and place in real headless Chromium: thumbnails come from us only, and the commune map
is reachable and named (DOM checks: the repository vendors no axe-core)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pictures.thumbnails import make_thumbnail
from tests.builders import make_article
from tests.helpers import restore_places
from tests.pictures.builders import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pictured(live_server, httpserver, settings, tmp_path):
    """Six articles whose pictures came from another server (httpserver) and are now ours."""
    restore_places()
    settings.MEDIA_ROOT = tmp_path / "media"
    for n, colour in enumerate(["#2a7ab0", "#b0402a", "#2ab05a", "#b0a02a", "#6a2ab0", "#2ab0a8"]):
        httpserver.expect_request(f"/photo-{n}.jpg").respond_with_data(
            jpeg(900, 600, colour), content_type="image/jpeg"
        )
        article = make_article(
            f"Sète : photo du jour {n}", communes=("sete",), image=httpserver.url_for(f"/photo-{n}.jpg")
        )
        assert make_thumbnail(article.pk).status == "ready"
    return httpserver


def test_a_page_with_thumbnails_asks_nothing_of_another_origin(page, pictured):
    page.goto(reverse("home"))
    pictures = page.locator("article.card picture img")
    assert pictures.count() == 6
    for index in range(6):
        pictures.nth(index).scroll_into_view_if_needed()  # loading="lazy": bring each into view
    page.wait_for_function(
        "() => [...document.querySelectorAll('article.card picture img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert pictures.first.evaluate("img => img.currentSrc").endswith(".webp")
    requests_to_picture_server = len(pictured.log)
    page.goto(page.locator("h3.card-title a").first.get_attribute("href"))
    # The story's picture loads (waited for: a lazy or decoding image is not complete at "load").
    page.wait_for_function(
        "() => { const i = document.querySelector('.story-image img'); return i && i.complete && i.naturalWidth > 0 }"
    )
    assert len(pictured.log) == requests_to_picture_server  # the browser never asked the original server
    assert page.watch.foreign_requests == []
    assert page.watch.failed_requests == []
    assert page.watch.console_errors == []  # a CSP refusal (img-src 'self', the JSON-LD) would show here


@pytest.mark.parametrize("width", [390, 1280])
def test_the_map_is_named_reachable_by_keyboard_and_tappable(page, pictured, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reverse("home"))
    region = page.get_by_role("region", name="Les communes cette semaine")
    links = region.locator("svg.map a")
    assert links.count() == 14
    names = [links.nth(i).get_attribute("aria-label") for i in range(14)]
    assert all(name and " en 7 jours" in name for name in names)
    assert region.get_by_role("link", name="Sète : 6 articles en 7 jours").count() == 1
    # Every commune is at least a fingertip wide on this screen.
    for i in range(14):
        box = links.nth(i).bounding_box()
        assert box and min(box["width"], box["height"]) >= (10 if width < 600 else 24), names[i]
    # Tab from the search box until the focus lands in the map, then follow the link.
    page.get_by_role("searchbox", name="Rechercher un article").focus()
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('svg.map')"):
            break
    else:
        pytest.fail("the map's links are not reachable with Tab")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    assert page.locator("svg.map a[aria-current='page']").get_attribute("href") == target
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []
