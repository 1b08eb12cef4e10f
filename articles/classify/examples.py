"""Editors' confirmations and corrections become labelled examples for the section model.

``admin/tagging.py`` calls ``record`` inside the transaction that changes the tags, so an example
exists exactly when the editor's change does. One example per article: it holds the article's
tags as they stand after the editor's last word.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .evaluate import ELECTIONS

# Fields a confirmation rewrites; a correction also sets the origin. A confirmation right after a
# correction (the review queue does both in one click) must not turn it back into a confirmation.
_LABEL_FIELDS = ["title", "summary", "communes", "section", "elections", "editor", "updated"]


def record(article_ids: Iterable[int], editor, *, correction: bool, commune=None) -> int:
    """Write (or rewrite) the examples of these articles from their current tags, in a fixed
    number of queries. ``commune``: the commune the editor just added, for alias suggestions."""
    from articles.models import Article, ArticleCommune, ArticleSection, TrainingExample

    ids = list(article_ids)
    if not ids:
        return 0
    communes: dict[int, list[str]] = {}
    for article_id, slug in ArticleCommune.objects.filter(article_id__in=ids).values_list(
        "article_id", "commune__slug"
    ):
        communes.setdefault(article_id, []).append(slug)
    sections: dict[int, list[tuple[bool, float, str]]] = {}
    for article_id, slug, origin, score in ArticleSection.objects.filter(article_id__in=ids).values_list(
        "article_id", "section__slug", "origin", "score"
    ):
        sections.setdefault(article_id, []).append((origin == "editor", score, slug))
    now = timezone.now()
    origin = TrainingExample.Origin.CORRECTION if correction else TrainingExample.Origin.CONFIRMATION
    examples = []
    for article_id, title, summary in Article.objects.filter(pk__in=ids).values_list("pk", "title", "summary"):
        tags = sorted(sections.get(article_id, ()), reverse=True)  # the editor's first, then the strongest
        slugs = [slug for _editor, _score, slug in tags]
        examples.append(
            TrainingExample(
                article_id=article_id,
                title=title,
                summary=summary,
                communes=sorted(communes.get(article_id, ())),
                section=next((slug for slug in slugs if slug != ELECTIONS), ELECTIONS if slugs else ""),
                elections=ELECTIONS in slugs,
                origin=origin,
                editor=editor if getattr(editor, "pk", None) else None,
                created=now,
                updated=now,
            )
        )
    TrainingExample.objects.bulk_create(
        examples,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=_LABEL_FIELDS + (["origin"] if correction else []),
    )
    # A bulk change to many stories says little about one text: only a single story's correction
    # suggests aliases.
    if commune is not None and len(examples) == 1:
        from .suggestions import suggest

        suggest(examples[0].title, examples[0].summary, commune)
    return len(examples)
