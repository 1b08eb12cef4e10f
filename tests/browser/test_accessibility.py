"""axe-core (WCAG 2 A and AA rules) finds no violation on the site's pages, at phone and desktop widths.

axe is evaluated through the DevTools protocol, so the pages keep their Content-Security-Policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import make_article, make_cluster, make_source
from tests.elections.builders import import_lists, import_results
from tests.helpers import restore_places

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = [
    "/",
    "/communes/sete/",
    "/communes/sete/elections/",
    "/elections/",
    "/elections/municipales-test/",
    "/candidats/marie-dupont-rey/",
    "/rubriques/culture/",
    "/recherche/?q=joutes",
    "/sources/",
    "/abonnements/",
    "/accessibilite/",
]


@pytest.fixture
def site(live_server):
    restore_places()
    import_lists()
    import_results()
    make_article("Marie Dupont-Rey présente sa liste", communes=["sete"], sections=["elections"])
    make_article(
        "Sète : les joutes de la Saint-Louis",
        communes=["sete"],
        sections=["sports"],
        summary="<p>Le tournoi de <strong>joutes</strong> a réuni la ville sur le canal.</p>",
    )
    make_article("Bassin de Thau : la Malaïgue", communes=[], sections=["environnement"])
    muscat = make_article("Frontignan : la fête du muscat", communes=["frontignan"], sections=["culture"])
    other = make_article("La fête du muscat revient", source=make_source("Thau Infos"), communes=["frontignan"])
    make_cluster(muscat, other)  # an event told twice: "Aussi chez …" on the cards, and its event page
    return muscat


def violations(page) -> list[str]:
    page.evaluate(AXE)
    found = page.evaluate("options => axe.run(document, options).then(result => result.violations)", RULES)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found]


@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_no_violation_on_any_page(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for url in [*PAGES, site.get_absolute_url(), f"/evenements/{site.cluster_id}/"]:
        assert page.goto(url).status == 200, url
        if problems := violations(page):
            found[url] = problems
    assert found == {}


def test_axe_does_report_a_violation_when_there_is_one(page):
    page.set_content('<html lang="fr"><title>t</title><main><img src="data:,"></main></html>')
    assert any(problem.startswith("image-alt") for problem in violations(page))
