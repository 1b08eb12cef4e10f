"""Feeds give one item per event, with a guid that stays when a second outlet tells the story;
``?versions=1`` (or NEWSROOM_FEED_VERSIONS) gives one item per article."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.conf import settings

from articles.clusters import assign, edit, state
from tests.articles.clusters.test_pages import tell_three_times
from tests.builders import make_article, make_source

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
FEEDS = ["/rss/", "/atom/", "/communes/sete/rss/", "/communes/sete/economie/atom/", "/recherche/rss/?q=criée"]


def entries(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed.entries


@pytest.mark.parametrize("url", FEEDS)
def test_an_event_is_one_item_led_by_its_first_version(client, url):
    lead, thau, midi = tell_three_times()
    found = entries(client, url)
    assert [e.title for e in found] == [lead.title]
    assert found[0].link == f"http://testserver/articles/{lead.pk}/"
    assert found[0].id == f"{settings.NEWSROOM_SITE_URL}/evenements/{lead.cluster_id}/"
    assert f'Aussi chez <a href="http://testserver/articles/{thau.pk}/">Thau Infos</a>' in found[0].summary
    assert f'<a href="http://testserver/evenements/{lead.cluster_id}/">toutes les versions</a>' in found[0].summary


def test_the_event_guid_is_not_a_permalink(client):
    lead, *others = tell_three_times()
    xml = client.get("/rss/").content.decode()
    assert f'<guid isPermaLink="false">{settings.NEWSROOM_SITE_URL}/evenements/{lead.cluster_id}/</guid>' in xml


def test_the_guid_stays_when_a_second_source_joins(client, django_capture_on_commit_callbacks):
    first = make_article(
        "Sète : la criée inaugure sa nouvelle salle", communes=("sete",), published=datetime(2026, 11, 28, tzinfo=PARIS)
    )
    cluster = state.ensure_cluster(first)
    before = entries(client, "/rss/")
    second = make_article(
        "Sète : nouvelle salle des ventes à la criée",
        communes=("sete",),
        source=make_source("Thau Infos"),
        published=datetime(2026, 11, 28, tzinfo=PARIS) + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        edit.merge(cluster, state.ensure_cluster(second), editor=None)
    after = entries(client, "/rss/")
    assert len(before) == len(after) == 1
    assert after[0].id == before[0].id == f"{settings.NEWSROOM_SITE_URL}/evenements/{cluster.pk}/"
    assert "Aussi chez" in after[0].summary and "Aussi chez" not in before[0].summary


def test_the_guid_stays_when_an_older_version_is_matched_at_ingest_and_leads(
    client, django_capture_on_commit_callbacks
):
    """The second outlet published first: its version becomes the lead, the item keeps its guid."""
    summary = "<p>Poids lourds, jeunes et dames : les tournois de joutes se disputeront sur le canal royal.</p>"
    start = datetime(2026, 8, 20, 9, 0, tzinfo=PARIS)
    first = make_article(
        "Sète : les joutes de la Saint-Louis dévoilent leur programme",
        communes=("sete",),
        summary=summary,
        published=start + timedelta(hours=1),
    )
    assign.assign_new([first])
    [before] = entries(client, "/rss/")
    older = make_article(
        "Sète : le programme des joutes de la Saint-Louis est dévoilé",
        communes=("sete",),
        summary=summary,
        source=make_source("Thau Infos"),
        published=start,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign.assign_new([older])
    [after] = entries(client, "/rss/")
    assert after.title == older.title and before.title == first.title
    assert after.id == before.id


def test_an_article_without_event_keeps_its_address_as_guid(client):
    story = make_article("Gigean : un article seul", communes=("gigean",))
    [entry] = entries(client, "/communes/gigean/rss/")
    assert entry.id == f"http://testserver/articles/{story.pk}/"


@pytest.mark.parametrize("url", FEEDS)
def test_versions_1_gives_one_item_per_article(client, url):
    versions = tell_three_times()
    joiner = "&" if "?" in url else "?"
    found = entries(client, f"{url}{joiner}versions=1")
    assert sorted(e.title for e in found) == sorted(v.title for v in versions)
    assert {e.id for e in found} == {f"http://testserver/articles/{v.pk}/" for v in versions}
    assert not any("Aussi chez" in e.summary for e in found)


def test_the_setting_gives_one_item_per_article_and_versions_0_one_per_event(client, settings):
    tell_three_times()
    settings.NEWSROOM_FEED_VERSIONS = True
    assert len(entries(client, "/rss/")) == 3
    assert len(entries(client, "/rss/?versions=0")) == 1


def test_events_and_versions_are_cached_apart(client):
    tell_three_times()
    assert len(entries(client, "/atom/")) == 1
    assert len(entries(client, "/atom/?versions=1")) == 3
    assert len(entries(client, "/atom/")) == 1
