"""An article told by other outlets too links, from its own page, to the event with every version."""

from __future__ import annotations

import pytest

from tests.articles.clusters.test_pages import tell_three_times
from tests.builders import make_article

pytestmark = pytest.mark.django_db


def test_each_version_links_to_its_event_page(client):
    lead, thau, _midi = tell_three_times()
    for version in (lead, thau):
        html = client.get(f"/articles/{version.pk}/").content.decode()
        assert f'href="/evenements/{lead.cluster_id}/">Le même événement chez 2 autres sources' in html


def test_an_article_told_once_has_no_event_link(client):
    alone = make_article("Frontignan : la médiathèque ouvre le dimanche", communes=("frontignan",))
    html = client.get(f"/articles/{alone.pk}/").content.decode()
    assert "/evenements/" not in html
