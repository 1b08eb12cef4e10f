"""Keep cached timelines and feeds honest: any change to a story, its tags or its source bumps the version.

Bumps wait for the transaction to commit, so no reader can cache the old state in between.
Writes that send no signal (``bulk_create`` of tags, raw SQL) must call ``timelines.bump_version()``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from articles import timelines
from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
from localities.models import Commune


def _bump_after_commit(**kwargs) -> None:
    transaction.on_commit(timelines.bump_version, robust=True)


def _places_changed(**kwargs) -> None:
    transaction.on_commit(timelines.forget_directory, robust=True)
    transaction.on_commit(timelines.bump_version, robust=True)


def _tags_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _bump_after_commit()


def connect() -> None:
    for model in (Article, ArticleCommune, ArticleSection, Source):
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"timelines-save-{model.__name__}")
        post_delete.connect(_bump_after_commit, sender=model, dispatch_uid=f"timelines-delete-{model.__name__}")
    for model in (Commune, Section):
        post_save.connect(_places_changed, sender=model, dispatch_uid=f"timelines-save-{model.__name__}")
        post_delete.connect(_places_changed, sender=model, dispatch_uid=f"timelines-delete-{model.__name__}")
    # article.communes.add(...) and friends go through the tag models without post_save.
    for through in (Article.communes.through, Article.sections.through):
        m2m_changed.connect(_tags_changed, sender=through, dispatch_uid=f"timelines-m2m-{through.__name__}")
