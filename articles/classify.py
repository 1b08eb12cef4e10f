"""Sorting stories into communes and sections, with the reason for every tag.

Contract used by ingest, admin and commands:
    classify_text(title, summary, categories, source) -> Classification   (pure: reads no row)
    apply_classification(article) -> None   (called inside the poll's transaction)
    reclassify(queryset) -> int             (the ``reclassify`` command and the editors' actions)

Signals, strongest first: the title's prefix ("Sète : …"), a mention in the title, a mention in the
summary, the source's default commune, the feed's categories. Aliases, section rules and candidates
are compiled once per process and rebuilt when an editor changes them (see ``current_rules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from localities import gazetteer
from localities.gazetteer import Gazetteer, PhraseIndex, clean, words

SEPARATOR = "qqchampqq"  # a made-up word between title and summary
SUMMARY_LIMIT = 5000  # characters: the lead of a story names its place; the rest only costs time.

# Score of one mention by where it is; an alias's weight multiplies it.
PREFIX, TITLE, SUMMARY, CATEGORY, SOURCE = 4.0, 3.0, 2.0, 1.5, 1.5
COMMUNE_THRESHOLD = 1.5
SECTION_THRESHOLD = 1.0
TITLE_BOOST = 1.5  # a section keyword in the title counts this much more
CANDIDATE_COMMUNE, CANDIDATE_SECTION = 2.5, 3.0
SURNAME_ONLY = 0.3  # a surname alone may be someone else ("la chèvre de M. Seguin"): it only adds up
FALLBACK_SECTION = "societe"
REVIEW_BELOW = 0.5

RULE_NAMES = {
    "name": "nom",
    "variant": "variante",
    "long_form": "forme longue",
    "demonym": "gentilé",
    "place": "lieu",
    "nickname": "surnom",
    "historical": "ancien nom",
    "ambiguous": "mention ambiguë résolue",
}
FIELD_TITLE, FIELD_PREFIX, FIELD_SUMMARY = "titre", "préfixe du titre", "résumé"
FIELD_CATEGORIES, FIELD_SOURCE = "catégories", "source"

# "Sète : …", "SÈTE. …", "Sète - …", "Balaruc-le-Vieux – …": a short head before a separator.
TITLE_PREFIX = re.compile(r"^\W*(.{2,60}?)\s*(?::|\.\s|\s[-–—]\s|[–—]|\|)")


@dataclass(frozen=True)
class Reason:
    """Why one tag is there: the best signal behind it, and the summed score."""

    tag: str  # "commune" or "section"
    slug: str
    score: float
    rule: str
    field: str
    phrase: str

    def as_dict(self) -> dict:
        return {
            "tag": self.tag,
            "slug": self.slug,
            "score": round(self.score, 2),
            "rule": self.rule,
            "field": self.field,
            "phrase": self.phrase,
        }


@dataclass
class Classification:
    communes: list[str]
    sections: list[str]
    why: list[Reason]
    confidence: float
    needs_review: bool
    notes: list[str] = field(default_factory=list)

    def reason(self, tag: str, slug: str) -> Reason:
        return next(reason for reason in self.why if reason.tag == tag and reason.slug == slug)

    def as_dict(self) -> dict:
        return {
            "communes": self.communes,
            "sections": self.sections,
            "why": [reason.as_dict() for reason in self.why] + [{"note": note} for note in self.notes],
            "confidence": self.confidence,
            "needs_review": self.needs_review,
        }


@dataclass
class Rules:
    """Everything the classifier reads, compiled: aliases, section rules, candidates."""

    places: Gazetteer
    keywords: PhraseIndex  # payloads: (section slug, weight, phrase)
    categories: dict[str, list[tuple[str, float, str]]]  # folded category -> (section slug, weight, phrase)
    candidates: PhraseIndex  # payloads: (commune slug, name)
    sections: dict[str, int]  # slug -> id
    revision: tuple[int, ...] = ()

    @property
    def communes(self) -> dict[str, int]:
        return self.places.communes


def compile_rules(places: Gazetteer, keyword_rows, category_rows, candidate_rows, sections, revision=()) -> Rules:
    """Rules from plain rows, so tests and benchmarks can compile without the database."""
    categories: dict[str, list[tuple[str, float, str]]] = {}
    for slug, weight, phrase in category_rows:
        categories.setdefault(" ".join(words(phrase)), []).append((slug, weight, phrase))
    return Rules(
        places=places,
        keywords=PhraseIndex((phrase, (slug, weight, phrase)) for slug, weight, phrase in keyword_rows),
        categories=categories,
        candidates=PhraseIndex(_candidate_phrases(candidate_rows)),
        sections=dict(sections),
        revision=tuple(revision),
    )


def _candidate_phrases(rows) -> Iterable[tuple[str, tuple[str, str, float]]]:
    """A candidate by full name, and by a surname long enough to be telling ("Denaja")."""
    for name, slug in rows:
        yield name, (slug, name, 1.0)
        surname = name.strip().split(" ", 1)[-1]
        if surname != name.strip() and len(surname) >= 6:
            yield surname, (slug, name, SURNAME_ONLY)


def load_rules(revision: tuple[int, ...] = ()) -> Rules:
    from articles.models import Candidate, Section, SectionRule

    rules = SectionRule.objects.filter(enabled=True).values_list("section__slug", "kind", "weight", "phrase")
    keyword_rows = [(slug, weight, phrase) for slug, kind, weight, phrase in rules if kind == "keyword"]
    category_rows = [(slug, weight, phrase) for slug, kind, weight, phrase in rules if kind == "category"]
    candidate_rows = Candidate.objects.filter(enabled=True).values_list("name", "commune__slug")
    sections = Section.objects.values_list("slug", "id")
    places = gazetteer.load(revision[0] if revision else 0)
    return compile_rules(places, keyword_rows, category_rows, candidate_rows, sections, revision)


_rules = gazetteer.Cached(("gazetteer", "classify"), load_rules, setting="CLASSIFY_REFRESH_SECONDS")


def current_rules() -> Rules:
    """This process's compiled rules; rebuilt within seconds of an edit made by any process."""
    return _rules.get()


# -- Classifying one story -------------------------------------------------------------------------


class _Scores:
    """Scores per slug, keeping the strongest signal as the reason shown to editors."""

    def __init__(self, tag: str):
        self.tag = tag
        self.total: dict[str, float] = {}
        self.best: dict[str, tuple[float, str, str, str]] = {}

    def add(self, slug: str, score: float, rule: str, where: str, phrase: str) -> None:
        self.total[slug] = self.total.get(slug, 0.0) + score
        if score > self.best.get(slug, (0.0,))[0]:
            self.best[slug] = (score, rule, where, phrase)

    def kept(self, threshold: float) -> list[Reason]:
        chosen = [slug for slug, total in self.total.items() if total >= threshold]
        chosen.sort(key=lambda slug: (-self.total[slug], slug))
        return [Reason(self.tag, slug, self.total[slug], *self.best[slug][1:]) for slug in chosen]


def _prefix_length(title: str) -> int:
    match = TITLE_PREFIX.match(title)
    if not match:
        return 0
    length = len(words(match.group(1)))
    return length if length <= 6 else 0


def classify_text(
    title: str, summary: str = "", categories: Sequence[str] = (), source=None, rules: Rules | None = None
) -> Classification:
    """Communes and sections for one story, with the reasons. Reads only the compiled rules."""
    rules = rules or current_rules()
    places = rules.places
    title = clean(title or "")
    summary = clean((summary or "")[:SUMMARY_LIMIT])
    # One pass over both fields: the separator is a word no phrase contains, so none spans the two.
    text = f"{title} {SEPARATOR} {summary}" if summary else title
    tokens = words(text)
    boundary = tokens.index(SEPARATOR) if summary else len(tokens)
    communes, sections = _Scores("commune"), _Scores("section")
    notes: list[str] = []
    ambiguous: list[tuple[tuple[str, ...], float, str, str]] = []
    outside_in_title = False
    hints: set[str] = set()

    prefix = _prefix_length(title)
    for mention in places.mentions(tokens, text):
        is_title = mention.start < boundary
        if is_title and mention.end <= prefix:
            where, base = FIELD_PREFIX, PREFIX
        elif is_title:
            where, base = FIELD_TITLE, TITLE
        else:
            where, base = FIELD_SUMMARY, SUMMARY
        kind = mention.kind
        if kind == "outside":
            outside_in_title = outside_in_title or is_title
        elif kind == "hint":
            hints.update(mention.communes)
        elif kind == "ambiguous":
            ambiguous.append((mention.communes, base * mention.weight, where, mention.phrase))
        else:
            communes.add(mention.communes[0], base * mention.weight, RULE_NAMES.get(kind, kind), where, mention.phrase)

    for start, _end, _key, payloads in rules.candidates.find(tokens):
        where = FIELD_TITLE if start < boundary else FIELD_SUMMARY
        for slug, name, weight in payloads:
            communes.add(slug, CANDIDATE_COMMUNE * weight, "candidat·e", where, name)
            sections.add("elections", CANDIDATE_SECTION * weight, "candidat·e", where, name)

    for start, _end, _key, payloads in rules.keywords.find(tokens):
        where, boost = (FIELD_TITLE, TITLE_BOOST) if start < boundary else (FIELD_SUMMARY, 1.0)
        for slug, weight, phrase in payloads:
            sections.add(slug, weight * boost, "mot-clé", where, phrase)

    for category in categories or ():
        category = clean(str(category))
        category_words = words(category)
        for mention in places.mentions(category_words, category):
            if len(mention.communes) == 1 and mention.kind != "outside":
                communes.add(
                    mention.communes[0], CATEGORY * mention.weight, "catégorie du flux", FIELD_CATEGORIES, category
                )
        for slug, weight, phrase in rules.categories.get(" ".join(category_words), ()):
            sections.add(slug, weight * 1.5, "catégorie du flux", FIELD_CATEGORIES, phrase)

    default_commune = getattr(getattr(source, "default_commune", None), "slug", None)
    default_section = getattr(getattr(source, "default_section", None), "slug", None)
    found = {slug for slug, total in communes.total.items() if total >= COMMUNE_THRESHOLD}
    if default_commune and not found and not outside_in_title:
        communes.add(default_commune, SOURCE, "commune par défaut de la source", FIELD_SOURCE, str(source))
        found.add(default_commune)

    # "Balaruc" alone names neither Balaruc: it counts only when the story already says which one.
    for options, score, where, phrase in ambiguous:
        known = [slug for slug in options if slug in found] or [slug for slug in options if slug in hints]
        if len(known) == 1:
            communes.add(known[0], score, RULE_NAMES["ambiguous"], where, phrase)
        else:
            notes.append(f"« {phrase} » peut désigner : {', '.join(options)} ; aucune commune choisie.")

    if default_section:
        sections.add(default_section, SECTION_THRESHOLD, "rubrique par défaut de la source", FIELD_SOURCE, str(source))
    commune_reasons = communes.kept(COMMUNE_THRESHOLD)
    section_reasons = sections.kept(SECTION_THRESHOLD)
    if not section_reasons and FALLBACK_SECTION in rules.sections:
        section_reasons = [Reason("section", FALLBACK_SECTION, 0.0, "rubrique par défaut", "", "")]

    confidence = _confidence(commune_reasons, section_reasons, bool(notes))
    return Classification(
        communes=[reason.slug for reason in commune_reasons],
        sections=[reason.slug for reason in section_reasons],
        why=commune_reasons + section_reasons,
        confidence=confidence,
        needs_review=not commune_reasons or confidence < REVIEW_BELOW,
        notes=notes,
    )


_FIELD_TRUST = {FIELD_PREFIX: 1.0, FIELD_TITLE: 0.9, FIELD_SUMMARY: 0.75, FIELD_CATEGORIES: 0.6, FIELD_SOURCE: 0.5}


def _confidence(communes: list[Reason], sections: list[Reason], unresolved: bool) -> float:
    place = max((_FIELD_TRUST.get(reason.field, 0.6) for reason in communes), default=0.0)
    if communes and min(reason.score for reason in communes) < SUMMARY:
        place = min(place, 0.7)  # at least one tag rests on a weak hint
    if unresolved:
        place = min(place, 0.4)
    topic = min(1.0, max((reason.score for reason in sections), default=0.0) / 3.0)
    return round(0.7 * place + 0.3 * topic, 2)


# -- Storing tags ------------------------------------------------------------------------------------


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
