"""Keep cached timelines and feeds honest: a change to a story, its tags, its event, its source or a
place tells ``articles.cache.changed``, which makes out of date only the pages that show it.

``changed`` waits for the transaction to commit, so no reader can cache the old state in between.
Writes that send no signal (``bulk_create`` of tags, raw SQL) must call ``articles.cache.changed``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from articles import cache as page_cache
from articles import timelines
from articles.models import Article, ArticleCommune, ArticleSection, Cluster, Section, Source
from localities.models import Commune


def _article_changed(instance: Article, **kwargs) -> None:
    page_cache.changed(articles=[instance.pk])


def _tag_changed(instance: ArticleCommune | ArticleSection, **kwargs) -> None:
    # The tag's own place too: after a delete, the story no longer names it.
    page_cache.changed(
        articles=[instance.article_id],
        communes=[instance.commune_id] if isinstance(instance, ArticleCommune) else (),
        sections=[instance.section_id] if isinstance(instance, ArticleSection) else (),
    )


def _cluster_changed(instance: Cluster, **kwargs) -> None:
    page_cache.changed(clusters=[instance.pk])


# What pages show of a source (on every card): a poll's bookkeeping (update_fields without these) is not.
SHOWN_SOURCE_FIELDS = frozenset({"name", "url"})


def _source_changed(update_fields=None, **kwargs) -> None:
    if update_fields is None or SHOWN_SOURCE_FIELDS & set(update_fields):
        page_cache.changed(everything=True)


def _places_changed(**kwargs) -> None:
    transaction.on_commit(timelines.forget_directory, robust=True)
    page_cache.changed(everything=True)


def _tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """``article.communes.add(...)`` and friends (removals also send the tag's ``post_delete``)."""
    if not action.startswith("post_") or not pk_set:
        return
    place = "communes" if sender is Article.communes.through else "sections"
    if reverse:  # commune.articles.add(article, ...)
        page_cache.changed(articles=pk_set, **{place: [instance.pk]})
    else:
        page_cache.changed(articles=[instance.pk], **{place: pk_set})


def connect() -> None:
    handlers = [
        (Article, _article_changed),
        (ArticleCommune, _tag_changed),
        (ArticleSection, _tag_changed),
        (Cluster, _cluster_changed),
        (Source, _source_changed),
        (Commune, _places_changed),
        (Section, _places_changed),
    ]
    for model, handler in handlers:
        post_save.connect(handler, sender=model, dispatch_uid=f"timelines-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"timelines-delete-{model.__name__}")
    for through in (Article.communes.through, Article.sections.through):
        m2m_changed.connect(_tags_changed, sender=through, dispatch_uid=f"timelines-m2m-{through.__name__}")
