"""Builders for timeline tests: sources, stories and their tags, straight through the ORM."""

from __future__ import annotations

import importlib
import itertools
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
from localities.models import Commune

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
    """Communes and sections for transactional tests, reloaded from the data migrations when an
    earlier transactional test flushed them and serialized rollback could not restore them
    (it cannot once Playwright's greenlet holds its own database connections)."""
    from django.apps import apps

    if not Commune.objects.exists():
        importlib.import_module("localities.migrations.0002_load_communes").load(apps, None)
    if not Section.objects.exists():
        importlib.import_module("articles.migrations.0002_load_sections").load(apps, None)


@pytest.fixture
def places(transactional_db) -> None:
    restore_places()
