"""Builders for the desk tests: stories, sources, and people in the two desk roles."""

from __future__ import annotations

import itertools
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.admin.roles import ADMINISTRATORS, EDITORS
from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
from localities.models import Commune

_numbers = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_numbers)
    return Source.objects.create(**{"name": f"Source {n}", "url": f"https://source{n}.example/", **fields})


def make_story(source: Source | None = None, *, communes=(), sections=(), **fields) -> Article:
    n = next(_numbers)
    story = Article.objects.create(
        source=source or make_source(),
        guid=f"story-{n}",
        url=f"https://news.example/{n}",
        title=fields.pop("title", f"Article {n}"),
        **fields,
    )
    for slug in communes:
        ArticleCommune.objects.create(
            article=story, commune=Commune.objects.get(slug=slug), rule="préfixe du titre", phrase="Sète :"
        )
    for slug in sections:
        ArticleSection.objects.create(article=story, section=Section.objects.get(slug=slug), rule="mot-clé")
    return story


def make_person(username: str, group: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "motdepasse", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    return make_person("alice", EDITORS)


@pytest.fixture
def administrator(db) -> User:
    return make_person("bruno", ADMINISTRATORS)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def admin_group_client(client, administrator):
    client.force_login(administrator)
    return client


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


class _FormFields(HTMLParser):
    """The fields a browser would post from a page's main form (#<model>_form)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def rendered_form_data(html: str, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    # A browser drops the first newline after <textarea>, as the HTML spec says.
    return {k: [v[1:] if v.startswith("\n") else v for v in values] for k, values in parser.data.items()}
