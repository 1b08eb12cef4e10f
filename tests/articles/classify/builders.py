"""Small builders for classification tests."""

from __future__ import annotations

from itertools import count

from articles.models import Article, Source

_numbers = count(1)


def make_source(**kwargs) -> Source:
    return Source.objects.create(**{"name": "Le Singulier", "url": "https://lesinguliersete.fr/", **kwargs})


def make_article(source: Source | None = None, **kwargs) -> Article:
    number = next(_numbers)
    fields = {"guid": f"story-{number}", "url": f"https://lesinguliersete.fr/{number}", "title": "Sans titre"}
    return Article.objects.create(source=source or make_source(), **{**fields, **kwargs})
