"""Storing classification results as tags, for one poll's batch or for stored articles.

Tags with ``origin=editor`` and the editors' exclusions are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .rules import Classification, Reason, Rules, current_rules
from .text import classify_text


def apply_classification(article) -> None:
    """Tag a saved article with its communes and sections; editors' choices are left as they are."""
    apply_classification_many([article])


def classify_unsaved(articles) -> list[Classification]:
    """Classify new articles before they are inserted, and set their confidence and review flag.

    Pass the result to ``apply_classification_many(..., new=True)`` once they are saved: their
    tags are then written without reading anything back nor updating the rows again.
    """
    rules = current_rules()
    results = [
        classify_text(article.title, article.summary, article.categories, article.source, rules) for article in articles
    ]
    for article, result in zip(articles, results, strict=True):
        article.confidence, article.needs_review = result.confidence, result.needs_review
    return results


def apply_classification_many(articles, *, new: bool = False, results: list | None = None) -> None:
    """Tag saved articles (one poll's worth) in a few queries for the whole batch, not per story.

    ``new``: the articles were inserted in this transaction, so they have no tags, exclusions or
    editor's choices to read. ``results``: their classification by ``classify_unsaved``.
    """
    stories = [
        _Story(
            article.pk,
            article.title,
            article.summary,
            article.categories,
            article.source,
            article.confidence,
            article.needs_review,
        )
        for article in articles
    ]
    _store(stories, current_rules(), new=new, results=results)
    for article, story in zip(articles, stories, strict=True):
        article.confidence, article.needs_review = story.confidence, story.needs_review


def reclassify(queryset, batch_size: int = 5000) -> int:
    """Re-run the rules on stored stories, in batches; returns how many stories were classified."""
    from articles.models import Source

    rules = current_rules()
    sources = {source.pk: source for source in Source.objects.select_related("default_commune", "default_section")}
    columns = ("id", "title", "summary", "categories", "source_id", "confidence", "needs_review")
    count, last = 0, 0
    while True:
        # Keyset batches: no list of ids to send back, whatever the number of stories.
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list(*columns)[:batch_size])
        if not rows:
            return count
        stories = [
            _Story(pk, title, summary, categories, sources.get(source_id), confidence, needs_review)
            for pk, title, summary, categories, source_id, confidence, needs_review in rows
        ]
        with transaction.atomic():
            _store(stories, rules)
        count += len(stories)
        last = stories[-1].pk


@dataclass
class _Story:
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


def _store(stories: list[_Story], rules: Rules, *, new: bool = False, results: list | None = None) -> None:
    from articles.models import Article, ArticleCommune, ArticleSection
    from articles.models.tags import Origin

    if not stories:
        return
    ids = {story.pk for story in stories}
    # A range reads the batch's rows without sending thousands of ids; rows of other stories are skipped.
    span = {"article_id__gte": min(ids), "article_id__lte": max(ids)}
    if results is None:
        results = [classify_text(s.title, s.summary, s.categories, s.source, rules) for s in stories]
    results = {story.pk: result for story, result in zip(stories, results, strict=True)}
    created = timezone.now()
    plans = [
        (ArticleCommune, "commune_id", "commune", rules.communes, Article.excluded_communes.through),
        (ArticleSection, "section_id", "section", rules.sections, Article.excluded_sections.through),
    ]
    editor_touched: set[int] = set()
    wrote = False
    for model, key, tag, slug_ids, excluded_model in plans:
        excluded: dict[int, set[int]] = {}
        # New stories have nothing stored yet: nothing to read back.
        for article_id, target in () if new else excluded_model.objects.filter(**span).values_list("article_id", key):
            if article_id not in ids:
                continue
            excluded.setdefault(article_id, set()).add(target)
            editor_touched.add(article_id)
        existing: dict[int, dict[int, tuple]] = {}
        for row in () if new else model.objects.filter(**span).values_list(key, *_TAG_COLUMNS):
            if row[2] not in ids:
                continue
            existing.setdefault(row[2], {})[row[0]] = row
            if row[3] == Origin.EDITOR:
                editor_touched.add(row[2])

        to_create, to_delete = [], []
        for story in stories:
            current = existing.get(story.pk, {})
            removed = excluded.get(story.pk, ())
            wanted = {}
            for reason in results[story.pk].why:
                target = slug_ids.get(reason.slug) if reason.tag == tag else None
                if target is not None and target not in removed:
                    wanted[target] = reason
            for target, (_, pk, _, origin, score, rule, where, phrase) in current.items():
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
                to_create.append((story.pk, target, Origin.AUTO.value, *_columns(reason), created))
        if to_delete:
            model.objects.filter(pk__in=to_delete).delete()
        if to_create:
            _insert(model, ("article_id", key, "origin", "score", "rule", "field", "phrase", "created"), to_create)
        wrote = wrote or bool(to_delete or to_create)

    # Few distinct (confidence, needs_review) pairs: one UPDATE per pair, not one per story.
    changed: dict[tuple[float, bool], list[int]] = {}
    for story in stories:
        result = results[story.pk]
        # An editor has looked at this story: do not put it back in the review queue.
        needs_review = result.needs_review and story.pk not in editor_touched
        if (story.confidence, story.needs_review) != (result.confidence, needs_review):
            story.confidence, story.needs_review = result.confidence, needs_review
            changed.setdefault((result.confidence, needs_review), []).append(story.pk)
    for (confidence, needs_review), pks in changed.items():
        # The plain QuerySet.update: ArticleQuerySet's would bump the timelines once per pair.
        QuerySet.update(Article.objects.filter(pk__in=pks), confidence=confidence, needs_review=needs_review)
    if changed or wrote:
        _timelines_changed()


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert tag rows given as tuples of ``columns`` (attnames): COPY on PostgreSQL, where building
    and binding a model instance per row is the slow part; bulk_create elsewhere."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000)
        return
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _columns(reason: Reason) -> tuple[float, str, str, str]:
    return round(reason.score, 2), reason.rule[:100], reason.field[:50], reason.phrase[:300]


def _timelines_changed() -> None:
    # Bulk writes send no signal: cached timelines must hear about new tags from us.
    try:
        from articles.timelines import bump_version
    except ImportError:
        return
    transaction.on_commit(bump_version, robust=True)
