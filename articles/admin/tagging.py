"""What an editor does to an article's tags, written so that the classifier never undoes it.

An editor's tag is a row with ``origin="editor"``; a tag an editor removed is listed in
``excluded_communes`` / ``excluded_sections``. The classifier keeps both (see articles.classify).
Each change also records the articles' training examples (``classify.examples``), in the same transaction.
The admin's bulk actions, its change form and the review queue all go through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from articles import cache as page_cache
from articles.classify import examples
from articles.models import Article, ArticleCommune, ArticleSection, Section
from articles.models.tags import Origin


def to_review(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles "à vérifier": the classifier was unsure, or found no commune."""
    has_commune = Exists(ArticleCommune.objects.filter(article=OuterRef("pk")))
    return queryset.filter(Q(needs_review=True) | ~Q(has_commune))


def without_commune(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.filter(~Exists(ArticleCommune.objects.filter(article=OuterRef("pk"))))


def _editor_fields(editor) -> dict:
    return {"origin": Origin.EDITOR, "editor": editor, "created": timezone.now(), "score": 1.0}


@transaction.atomic
def _add(model: type[Model], key: str, excluded: type[Model], article_ids: Iterable[int], target, editor) -> int:
    """Tag the articles with ``target`` as the editor's choice and lift its exclusion, in a fixed number of queries.

    New tags are inserted; a tag already there (the classifier's, or an editor's) gets the same editor fields
    an ``update_or_create(defaults=_editor_fields(editor))`` would write, and keeps its rule, field and phrase.
    """
    ids = list(article_ids)
    fields = _editor_fields(editor)
    model.objects.bulk_create(
        [model(article_id=article_id, **{key: target}, **fields) for article_id in ids], ignore_conflicts=True
    )
    # Rows just inserted already hold ``fields``: rewriting them is harmless, and this catches the older ones.
    model.objects.filter(article_id__in=ids, **{key: target}).update(**fields)
    excluded.objects.filter(article_id__in=ids, **{key: target}).delete()
    examples.record(ids, editor, correction=True, commune=target if model is ArticleCommune else None)
    # bulk_create and update() send no post_save: bump the cached timelines as that signal would have.
    page_cache.changed(articles=ids, **{"communes" if model is ArticleCommune else "sections": [target]})
    return len(ids)


@transaction.atomic
def _remove(model: type[Model], key: str, excluded: type[Model], article_ids: Iterable[int], target, editor) -> int:
    """Take ``target`` off the articles and keep it off. Returns how many articles had it."""
    ids = list(article_ids)
    removed = model.objects.filter(article_id__in=ids, **{key: target}).delete()[1].get(model._meta.label, 0)
    excluded.objects.bulk_create(
        [excluded(article_id=article_id, **{key: target}) for article_id in ids], ignore_conflicts=True
    )
    examples.record(ids, editor, correction=True)
    return removed


def add_commune(article_ids: Iterable[int], commune, editor) -> int:
    """Tag the articles with ``commune`` as the editor's choice. Returns how many articles got it."""
    return _add(ArticleCommune, "commune", Article.excluded_communes.through, article_ids, commune, editor)


def remove_commune(article_ids: Iterable[int], commune, editor) -> int:
    """Take ``commune`` off the articles and keep it off. Returns how many articles had it."""
    return _remove(ArticleCommune, "commune", Article.excluded_communes.through, article_ids, commune, editor)


def add_section(article_ids: Iterable[int], section: Section, editor) -> int:
    return _add(ArticleSection, "section", Article.excluded_sections.through, article_ids, section, editor)


def remove_section(article_ids: Iterable[int], section: Section, editor) -> int:
    return _remove(ArticleSection, "section", Article.excluded_sections.through, article_ids, section, editor)


@transaction.atomic
def set_section(article_ids: Iterable[int], section: Section, editor) -> int:
    """Make ``section`` the articles' only section; the sections taken off stay off."""
    ids = list(article_ids)
    others = ArticleSection.objects.filter(article_id__in=ids).exclude(section=section)
    for other in {tag.section for tag in others.select_related("section")}:
        remove_section(ids, other, editor)
    return add_section(ids, section, editor)


@transaction.atomic
def confirm_tags(article_ids: Iterable[int], editor) -> int:
    """The editor agrees with the suggested tags: they become the editor's, and the article leaves review."""
    ids = list(article_ids)
    fields = _editor_fields(editor)
    ArticleCommune.objects.filter(article_id__in=ids, origin=Origin.AUTO).update(**fields)
    ArticleSection.objects.filter(article_id__in=ids, origin=Origin.AUTO).update(**fields)
    examples.record(ids, editor, correction=False)
    return Article.objects.filter(pk__in=ids).update(needs_review=False)


@transaction.atomic
def replace_communes(article: Article, commune, editor) -> None:
    """The review queue's quick correction: ``commune`` is the article's only commune, checked by an editor."""
    for other in list(article.communes.exclude(pk=commune.pk)):
        remove_commune([article.pk], other, editor)
    add_commune([article.pk], commune, editor)
    confirm_tags([article.pk], editor)
