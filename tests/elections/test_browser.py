"""A resident opens a commune's election hub, the whole area, then a head of list, in real Chromium."""

from __future__ import annotations

import pytest

from tests.builders import make_article
from tests.elections.builders import import_lists, import_results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def election(live_server):
    import_lists()
    import_results()
    make_article("Marie Dupont-Rey présente sa liste", communes=["sete"], sections=["elections"])


def test_a_resident_walks_from_a_hub_to_the_area_and_a_head_of_list(page, election):
    response = page.goto("/communes/sete/elections/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Élections à Sète"
    chart = page.get_by_role("img", name="Voix par liste, premier tour")
    assert chart.is_visible()
    assert chart.locator("text.bar-figures").first.text_content() == "600 voix (61,86\u202f%)"
    assert page.locator("h3.card-title").all_inner_texts() == ["Marie Dupont-Rey présente sa liste"]
    assert page.evaluate("() => document.styleSheets.length") >= 2  # the site's and the elections' CSS

    page.get_by_role("link", name="Les résultats dans tout le territoire").click()
    page.wait_for_url("**/elections/municipales-test/")
    assert page.locator("h1").inner_text() == "Municipales de test"
    rows = page.locator("table.election-table tbody tr")
    assert rows.count() == 2
    page.get_by_role("link", name="Marie Dupont-Rey").click()

    page.wait_for_url("**/candidats/marie-dupont-rey/")
    assert page.locator("h1").inner_text() == "Marie Dupont-Rey"
    assert "Premier tour : 600 voix" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Marie Dupont-Rey présente sa liste").is_visible()
    assert page.watch.console_errors == [] and page.watch.failed_requests == []
    assert page.watch.foreign_requests == []
