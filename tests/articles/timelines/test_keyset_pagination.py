"""'Articles plus anciens' follows a keyset: stories arriving meanwhile neither repeat nor hide one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import timelines
from tests.builders import make_article, make_articles

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="/articles/\d+/">([^<]+)</a>', html)


def older_link(html: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_walking_older_pages_shows_every_story_once_in_order(client):
    stories = make_articles(75, communes=("sete",))
    seen, url = [], "/communes/sete/"
    while url:
        html = client.get(url).content.decode()
        seen += titles(html)
        url = older_link(html)
    assert seen == [s.title for s in stories]


def test_new_stories_arriving_meanwhile_do_not_shift_the_older_page(client):
    stories = make_articles(40)
    first = client.get("/").content.decode()
    for n in range(5):
        make_article(f"Tout juste arrivé {n}", published=timezone.now())
    second = client.get(older_link(first)).content.decode()
    assert titles(second) == [s.title for s in stories[30:]]


def test_stories_with_the_same_date_are_split_by_id_without_loss(client):
    moment = timezone.now() - timedelta(hours=2)
    stories = [make_article(f"Même minute {n:02d}", published=moment) for n in range(35)]
    first = client.get("/").content.decode()
    second = client.get(older_link(first)).content.decode()
    assert sorted(titles(first) + titles(second)) == sorted(s.title for s in stories)
    assert not set(titles(first)) & set(titles(second))


@pytest.mark.parametrize(
    "cursor", ["abc", "12-", "-5", "1" * 40 + "-1", "1.5-2", "\u00e9-1", "999999999999999999-1", "%00"]
)
def test_a_broken_older_link_is_a_clean_400(client, cursor):
    response = client.get("/", {"avant": cursor})
    assert response.status_code == 400


def test_a_cursor_round_trips_to_the_microsecond(sete):
    story = make_article(published=timezone.now().replace(microsecond=123456))
    cursor = timelines.Cursor.parse(str(timelines.Cursor.after(story)))
    assert cursor.published == story.published and cursor.pk == story.pk


def test_the_last_page_has_no_older_link(client):
    make_articles(30)
    assert older_link(client.get("/").content.decode()) is None
