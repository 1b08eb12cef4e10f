"""Storing classification results as tags, for one poll's batch or for stored articles.

Tags with ``origin=editor`` and the editors' exclusions are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from articles import bulk
from articles import cache as page_cache

from .rules import Classification, Reason, Rules, current_rules
from .text import classify_many


def apply_classification(article) -> None:
    """Tag a saved article with its communes and sections; editors' choices are left as they are."""
    apply_classification_many([article])


def classify_unsaved(articles) -> list[Classification]:
    """Classify new articles before they are inserted, and set their confidence and review flag.

    Pass the result to ``apply_classification_many(..., new=True)`` once they are saved: their
    tags are then written without reading anything back nor updating the rows again.
    """
    results = classify_many(
        [(article.title, article.summary, article.categories, article.source) for article in articles], current_rules()
    )
    for article, result in zip(articles, results, strict=True):
        article.confidence, article.needs_review = result.confidence, result.needs_review
    return results


def apply_classification_many(articles, *, new: bool = False, results: list | None = None) -> None:
    """Tag saved articles (one poll's worth) in a few queries for the whole batch, not per article.

    ``new``: the articles were inserted in this transaction, so they have no tags, exclusions or
    editor's choices to read. ``results``: their classification by ``classify_unsaved``.
    """
    rows = [_Article(a.pk, a.title, a.summary, a.categories, a.source, a.confidence, a.needs_review) for a in articles]
    _store(rows, current_rules(), new=new, results=results)
    for article, row in zip(articles, rows, strict=True):
        article.confidence, article.needs_review = row.confidence, row.needs_review


def reclassify(queryset, batch_size: int = 5000) -> int:
    """Re-run the rules on stored articles, in batches; returns how many articles were classified."""
    from articles.models import Source

    rules = current_rules()
    sources = {source.pk: source for source in Source.objects.select_related("default_commune", "default_section")}
    columns = ("id", "title", "summary", "categories", "source_id", "confidence", "needs_review")
    count, last = 0, 0
    while True:
        # Keyset batches: no list of ids to send back, whatever the number of articles.
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list(*columns)[:batch_size])
        if not rows:
            return count
        batch = [
            _Article(pk, title, summary, categories, sources.get(source_id), confidence, needs_review)
            for pk, title, summary, categories, source_id, confidence, needs_review in rows
        ]
        with transaction.atomic():
            _store(batch, rules)
            # Rewritten automatic tags drop the tags a lead carries for its event: put them back.
            from articles.clusters.state import sync_for_articles

            sync_for_articles([article.pk for article in batch])
        count += len(batch)
        last = batch[-1].pk


@dataclass
class _Article:
    """What the classifier reads and writes of an article, without a model instance per row."""

    pk: int
    title: str
    summary: str
    categories: list
    source: object
    confidence: float
    needs_review: bool


# Columns read back from a tag table: enough to compare with a new Reason, or to keep it.
_TAG_COLUMNS = ("id", "article_id", "origin", "score", "rule", "field", "phrase")
_INSERTED = ("article_id", "origin", "score", "rule", "field", "phrase", "created")


def _store(articles: list[_Article], rules: Rules, *, new: bool = False, results: list | None = None) -> None:
    """Write the tags and the confidence of ``articles``; editors' tags and exclusions stay."""
    from articles.models import Article, ArticleCommune, ArticleSection

    if not articles:
        return
    if results is None:
        results = classify_many([(a.title, a.summary, a.categories, a.source) for a in articles], rules)
    by_pk = {article.pk: result for article, result in zip(articles, results, strict=True)}
    tables = [
        _TagTable(ArticleCommune, "commune_id", "commune", rules.communes, Article.excluded_communes.through),
        _TagTable(ArticleSection, "section_id", "section", rules.sections, Article.excluded_sections.through),
    ]
    created = timezone.now()
    editor_touched: set[int] = set()
    wrote = False
    for table in tables:
        stored = _StoredTags() if new else _read_stored_tags(table, {a.pk for a in articles})  # new: nothing yet
        editor_touched |= stored.editor_touched
        to_create, to_delete = _tag_changes(table, articles, by_pk, stored, created)
        if to_delete:
            table.model.objects.filter(pk__in=to_delete).delete()
        if to_create:
            bulk.insert_rows(table.model, (_INSERTED[0], table.key, *_INSERTED[1:]), to_create)
        wrote = wrote or bool(to_delete or to_create)
    if _write_confidence(articles, by_pk, editor_touched) or wrote:
        _timelines_changed(articles)


@dataclass
class _TagTable:
    """One kind of tag: its table, its target column, its tag name in a Reason, and its exclusions."""

    model: type
    key: str
    tag: str
    slug_ids: dict[str, int]
    excluded_model: type


@dataclass
class _StoredTags:
    excluded: dict[int, set[int]] = field(default_factory=dict)  # article id -> excluded targets
    existing: dict[int, dict[int, tuple]] = field(default_factory=dict)  # article id -> target -> row
    editor_touched: set[int] = field(default_factory=set)


def _read_stored_tags(table: _TagTable, ids: set[int]) -> _StoredTags:
    from articles.models.tags import Origin

    stored = _StoredTags()
    # A range reads the batch's rows without sending thousands of ids; rows of other articles are skipped.
    span = {"article_id__gte": min(ids), "article_id__lte": max(ids)}
    for article_id, target in table.excluded_model.objects.filter(**span).values_list("article_id", table.key):
        if article_id in ids:
            stored.excluded.setdefault(article_id, set()).add(target)
            stored.editor_touched.add(article_id)
    for row in table.model.objects.filter(**span).values_list(table.key, *_TAG_COLUMNS):
        if row[2] in ids:
            stored.existing.setdefault(row[2], {})[row[0]] = row
            if row[3] == Origin.EDITOR:
                stored.editor_touched.add(row[2])
    return stored


def _tag_changes(
    table: _TagTable,
    articles: list[_Article],
    results: dict[int, Classification],
    stored: _StoredTags,
    created: datetime,
) -> tuple[list[tuple], list[int]]:
    """Rows to insert and tag ids to delete so that each article's tags match its classification."""
    from articles.models.tags import Origin

    to_create, to_delete = [], []
    for article in articles:
        removed = stored.excluded.get(article.pk, ())
        wanted = {}
        for reason in results[article.pk].why:
            target = table.slug_ids.get(reason.slug) if reason.tag == table.tag else None
            if target is not None and target not in removed:
                wanted[target] = reason
        for target, (_, pk, _, origin, score, rule, where, phrase) in stored.existing.get(article.pk, {}).items():
            if origin == Origin.EDITOR:
                wanted.pop(target, None)  # an editor's tag stays as the editor set it
                continue
            reason = wanted.get(target)
            if reason is None:
                to_delete.append(pk)
            elif (score, rule, where, phrase) == _columns(reason):
                del wanted[target]
            else:
                # Replaced rather than updated: bulk_update's CASE per row is slow on big batches.
                to_delete.append(pk)
        for target, reason in wanted.items():
            to_create.append((article.pk, target, Origin.AUTO.value, *_columns(reason), created))
    return to_create, to_delete


def _write_confidence(articles: list[_Article], results: dict[int, Classification], editor_touched: set[int]) -> bool:
    """Save each article's confidence and review flag; True if any changed."""
    from articles.models import Article

    # Few distinct (confidence, needs_review) pairs: one UPDATE per pair, not one per article.
    changed: dict[tuple[float, bool], list[int]] = {}
    for article in articles:
        result = results[article.pk]
        # An editor has looked at this article: do not put it back in the review queue.
        needs_review = result.needs_review and article.pk not in editor_touched
        if (article.confidence, article.needs_review) != (result.confidence, needs_review):
            article.confidence, article.needs_review = result.confidence, needs_review
            changed.setdefault((result.confidence, needs_review), []).append(article.pk)
    for (confidence, needs_review), pks in changed.items():
        # The plain QuerySet.update: ArticleQuerySet's would bump the timelines once per pair.
        QuerySet.update(Article.objects.filter(pk__in=pks), confidence=confidence, needs_review=needs_review)
    return bool(changed)


def _columns(reason: Reason) -> tuple[float, str, str, str]:
    return round(reason.score, 2), reason.rule[:100], reason.field[:50], reason.phrase[:300]


def _timelines_changed(articles) -> None:
    # Bulk writes send no signal: cached timelines must hear about new tags from us.
    page_cache.changed(articles=articles)
