"""Builders for timeline tests: sources, stories and their tags, straight through the ORM."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
from localities.models import Commune
from tests.conftest import replay_data_migrations

_numbers = itertools.count(1)


def make_source(name: str = "Le Singulier", **kwargs) -> Source:
    defaults = {"url": f"https://{name.lower().replace(' ', '-')}.example/"}
    return Source.objects.get_or_create(name=name, defaults={**defaults, **kwargs})[0]


def make_story(
    title: str | None = None,
    *,
    communes: tuple[str, ...] = (),
    sections: tuple[str, ...] = (),
    published: datetime | None = None,
    source: Source | None = None,
    **fields,
) -> Article:
    """A stored story tagged with communes and sections given by slug."""
    number = next(_numbers)
    fields = {
        "guid": f"story-{number}",
        "url": f"https://lesinguliersete.fr/{number}",
        "title": title or f"Article numéro {number}",
        "published": published or timezone.now() - timedelta(minutes=number),
        **fields,
    }
    article = Article.objects.create(source=source or make_source(), **fields)
    for slug in communes:
        ArticleCommune.objects.create(article=article, commune=Commune.objects.get(slug=slug), rule="test")
    for slug in sections:
        ArticleSection.objects.create(article=article, section=Section.objects.get(slug=slug), rule="test")
    return article


def make_stories(count: int, *, start: datetime | None = None, step: timedelta = timedelta(hours=1), **kwargs):
    """``count`` stories, newest first, ``step`` apart."""
    start = start or timezone.now() - timedelta(minutes=1)
    return [make_story(published=start - i * step, **kwargs) for i in range(count)]


@pytest.fixture
def sete() -> Commune:
    return Commune.objects.get(slug="sete")


@pytest.fixture
def elections() -> Section:
    return Section.objects.get(slug="elections")


def restore_places() -> None:
    """Communes and sections for transactional tests (tests/conftest.py already replays them before
    each one; this covers helpers called after a flush within a test)."""
    if not Commune.objects.exists() or not Section.objects.exists():
        replay_data_migrations()


@pytest.fixture
def places(transactional_db) -> None:
    restore_places()
