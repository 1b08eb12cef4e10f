from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest

from articles.models import Article
from tests.builders import make_article

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")

TIMELINE_FEEDS = [
    "/rss/",
    "/atom/",
    "/communes/sete/rss/",
    "/communes/sete/atom/",
    "/rubriques/elections/rss/",
    "/rubriques/elections/atom/",
    "/communes/sete/elections/rss/",
    "/communes/sete/elections/atom/",
    "/recherche/rss/?q=municipales",
    "/recherche/atom/?q=municipales",
]


@pytest.fixture
def election_story():
    return make_article(
        "Sète : les municipales se préparent",
        communes=("sete",),
        sections=("elections",),
        summary="<p>Les listes pour les <em>municipales</em> sont déposées.</p>",
        image="https://img.example/urnes.png",
        published=datetime(2026, 11, 28, 19, 20, tzinfo=PARIS),
    )


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return response, parsed


@pytest.mark.parametrize("url", TIMELINE_FEEDS)
def test_every_timeline_has_a_valid_feed_with_its_story(client, election_story, url):
    make_article(
        "Gigean : rien à voir avec les élections",
        communes=("gigean",),
        sections=("sports",),
        published=datetime(2026, 11, 1, tzinfo=PARIS),
    )
    response, parsed = parse(client, url)
    assert parsed.version == ("atom10" if "/atom/" in url else "rss20")
    assert [e.title for e in parsed.entries][:1] == ["Sète : les municipales se préparent"]
    entry = parsed.entries[0]
    assert entry.link == f"http://testserver/articles/{election_story.pk}/"
    assert entry.id == f"http://testserver/articles/{election_story.pk}/"
    assert {t.term for t in entry.tags} == {"Sète", "Élections"}
    assert "<em>municipales</em>" in entry.summary
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosures and enclosures[0].href == "https://img.example/urnes.png"
    assert enclosures[0].type == "image/png"
    if "gigean" not in url and "/recherche/" not in url and url not in ("/rss/", "/atom/"):
        assert "Gigean" not in response.content.decode()


def test_rss_dates_are_rfc_822_and_atom_dates_are_rfc_3339(client, election_story):
    rss = ET.fromstring(client.get("/communes/sete/rss/").content)
    pub = rss.find("channel/item/pubDate").text
    assert pub == "Sat, 28 Nov 2026 18:20:00 +0000"
    assert parsedate_to_datetime(pub) == election_story.published
    atom = ET.fromstring(client.get("/communes/sete/atom/").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    published = atom.find("a:entry/a:published", ns).text
    assert published == "2026-11-28T18:20:00+00:00"
    assert datetime.fromisoformat(published) == election_story.published


def test_guids_stay_the_same_when_a_story_is_edited(client, election_story, django_capture_on_commit_callbacks):
    _, before = parse(client, "/rss/")
    with django_capture_on_commit_callbacks(execute=True):
        election_story.title = "Sète : les municipales se précisent"
        election_story.save()
    _, after = parse(client, "/rss/")
    assert after.entries[0].title == "Sète : les municipales se précisent"
    assert after.entries[0].id == before.entries[0].id


def test_a_repeat_request_gets_a_304_by_etag_or_by_date(client, election_story):
    first = client.get("/communes/sete/rss/")
    assert first["ETag"] and first["Last-Modified"]
    assert parsedate_to_datetime(first["Last-Modified"]) >= election_story.published
    by_etag = client.get("/communes/sete/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag.content == b""
    by_date = client.get("/communes/sete/rss/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


def test_a_new_story_changes_the_etag(client, election_story, django_capture_on_commit_callbacks):
    first = client.get("/communes/sete/rss/")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("Sète : une nouvelle liste", communes=("sete",))
    again = client.get("/communes/sete/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"une nouvelle liste" in again.content


def test_hidden_stories_stay_out_of_feeds(client, election_story):
    make_article("Sète : retiré par la rédaction", communes=("sete",), status=Article.Status.HIDDEN)
    assert b"retir" not in client.get("/communes/sete/rss/").content


def test_control_characters_from_a_source_do_not_break_the_feed(client):
    make_article("Titre\x0b avec\x1f des octets\x01 parasites", summary="<p>ok\x08</p>")
    for url in ("/rss/", "/atom/"):
        _, parsed = parse(client, url)
        assert parsed.entries[0].title == "Titre avec des octets parasites"


def test_an_unknown_commune_feed_is_a_404(client):
    assert client.get("/communes/paris/rss/").status_code == 404
    assert client.get("/rubriques/meteo/atom/").status_code == 404


def test_an_empty_search_feed_is_valid_and_empty(client):
    for url in ("/recherche/rss/?q=", "/recherche/atom/"):
        _, parsed = parse(client, url)
        assert parsed.entries == []


def test_the_opml_lists_every_commune_and_section_feed(client):
    response = client.get("/flux.opml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-opml")
    root = ET.fromstring(response.content)
    feeds = {o.get("xmlUrl") for o in root.iter("outline") if o.get("type") == "rss"}
    assert "http://testserver/rss/" in feeds
    assert "http://testserver/communes/sete/rss/" in feeds and "http://testserver/communes/gigean/rss/" in feeds
    assert "http://testserver/rubriques/elections/rss/" in feeds
    assert len(feeds) == 1 + 14 + 8
    titles = {o.get("title") for o in root.iter("outline")}
    assert {"Balaruc-le-Vieux", "Élections", "Communes", "Rubriques"} <= titles


def test_each_opml_feed_answers(client):
    root = ET.fromstring(client.get("/flux.opml").content)
    for outline in root.iter("outline"):
        if outline.get("xmlUrl"):
            path = outline.get("xmlUrl").removeprefix("http://testserver")
            assert client.get(path).status_code == 200, path
