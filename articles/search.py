"""Full-text search of the articles.

On PostgreSQL: the ``newsroom_fr`` text search configuration (French, unaccented before stemming;
migration 0008) on ``Article.search_vector`` (GIN-indexed, kept by a trigger), ranked by ``ts_rank``
and highlighted by ``ts_headline``. The query is read with ``websearch_to_tsquery``, which accepts
anything a person types, with the same configuration, so that "elections" finds "Élections".
On SQLite: every word must appear in the title or the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles import cards
from articles.models import Article, ArticleQuerySet, Section
from localities.models import Commune

SEARCH_CONFIG = "newsroom_fr"  # French, accent-blind: migration 0008
MAX_QUERY_LENGTH = 200
PER_PAGE = 30
MAX_PAGES = 20  # 600 results: past that, a reader narrows the search (commune, section, words)
MAX_WORDS = 10
# Marks put around matches by the database, turned into <mark> after escaping the text.
_START, _STOP = "\x02", "\x03"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)


@dataclass(frozen=True)
class SearchSpec:
    """A search as a timeline: words, and optionally a commune and a section."""

    q: str = ""
    commune: Commune | None = None
    section: Section | None = None

    @property
    def key(self) -> str:
        places = "/".join(p.slug if p else "*" for p in (self.commune, self.section))
        return f"search/{places}/{self.q}"

    @property
    def query_string(self) -> str:
        params = {"q": self.q}
        if self.commune:
            params["commune"] = self.commune.slug
        if self.section:
            params["rubrique"] = self.section.slug
        return urlencode(params)

    @property
    def url(self) -> str:
        return f"{reverse('search')}?{self.query_string}"

    @property
    def title(self) -> str:
        where = " · ".join(p.name for p in (self.commune, self.section) if p)
        return f"Recherche « {self.q} »" + (f" ({where})" if where else "")

    def feed_url(self, kind: str) -> str:
        return f"{reverse(f'search-{kind}')}?{self.query_string}"


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", max_length=MAX_QUERY_LENGTH, required=False, strip=True)
    commune = forms.SlugField(label="Commune", required=False)
    rubrique = forms.SlugField(label="Rubrique", required=False)
    page = forms.IntegerField(
        label="Page",
        required=False,
        min_value=1,
        max_value=MAX_PAGES,
        error_messages={"max_value": f"Seules les {MAX_PAGES} premières pages de résultats sont proposées."},
    )

    def __init__(self, *args, directory, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = directory

    def clean_commune(self) -> Commune | None:
        slug = self.cleaned_data["commune"]
        found = self.directory.commune(slug) if slug else None
        if slug and found is None:
            raise forms.ValidationError("Commune inconnue.")
        return found

    def clean_rubrique(self) -> Section | None:
        slug = self.cleaned_data["rubrique"]
        found = self.directory.section(slug) if slug else None
        if slug and found is None:
            raise forms.ValidationError("Rubrique inconnue.")
        return found

    def spec(self) -> SearchSpec:
        data = self.cleaned_data
        # Control characters never help a search and PostgreSQL refuses NUL in text.
        words = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", data["q"]).split())
        return SearchSpec(words, data["commune"], data["rubrique"])

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1


def search_articles(spec: SearchSpec, order: str = "rank") -> ArticleQuerySet:
    """Visible articles matching ``spec``, best match first (``order="rank"``) or newest first ("date").

    Each article carries ``title_marked`` and ``excerpt_marked`` with the matches between markers;
    ``highlight()`` turns them into safe HTML.
    """
    articles = Article.objects.visible()
    if spec.commune:
        articles = articles.in_commune(spec.commune)
    if spec.section:
        articles = articles.in_section(spec.section)
    if not spec.q:
        return articles.none()
    if connection.vendor == "postgresql":
        return _search_postgres(articles, spec.q, order)
    return _search_simple(articles, spec.q, order)


def search_page(spec: SearchSpec, page: int) -> tuple[list[Article], bool]:
    """The results of page ``page`` (highlighted: ``title_html``, ``excerpt_html``) and whether a next one exists."""
    if not spec.q:  # nothing asked, nothing found (``search_articles`` gives none)
        return [], False
    start = (page - 1) * PER_PAGE
    matching = search_articles(spec)
    # One query. Ranked are the newest matches a reader can reach (MAX_PAGES pages): walking the
    # date index stops there, where ranking every match of a common word reads most of the table.
    # The page's ids are chosen on narrow rows, then only those rows are joined and highlighted.
    # One more than a page tells whether there is a next one, without counting every match.
    postgres = connection.vendor == "postgresql"
    if postgres:
        chosen = _ranked_ids(matching, start)
    else:
        reachable = matching.order_by("-published", "-id").values("pk")[: MAX_PAGES * PER_PAGE + 1]
        chosen = matching.filter(pk__in=reachable).values("pk")[start : start + PER_PAGE + 1]
    # Cards' columns only, and what ``highlight`` reads.
    marked = ("title_marked", "excerpt_marked") if postgres else ("summary",)
    results = cards.load(matching.filter(pk__in=chosen), extra=marked)
    cards.load_relations(results)
    for article in results:
        article.title_html, article.excerpt_html = highlight(article, spec.q)
    return results[:PER_PAGE], len(results) > PER_PAGE and page < MAX_PAGES


def _ranked_ids(matching: ArticleQuerySet, start: int) -> RawSQL:
    """The ids of one page of the best matches among the newest reachable ones, best first, plus one.
    Each match's rank is computed while the date index is walked, so the page is chosen from those
    rows without reading the matches again."""
    newest = matching.order_by("-published", "-id").values_list("id", "published", "rank")
    sql, params = newest[: MAX_PAGES * PER_PAGE + 1].query.sql_with_params()
    ranked = f'SELECT "id" FROM ({sql}) AS newest ORDER BY "rank" DESC, "published" DESC, "id" DESC LIMIT %s OFFSET %s'
    return RawSQL(ranked, (*params, PER_PAGE + 1, start))


def _search_postgres(articles: ArticleQuerySet, q: str, order: str) -> ArticleQuerySet:
    query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    plain_summary = Func(F("summary"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace")
    marks = {"start_sel": _START, "stop_sel": _STOP}
    articles = articles.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query),
        title_marked=SearchHeadline("title", query, config=SEARCH_CONFIG, highlight_all=True, **marks),
        excerpt_marked=SearchHeadline(plain_summary, query, config=SEARCH_CONFIG, max_words=30, min_words=12, **marks),
    )
    if order == "rank":
        return articles.order_by("-rank", "-published", "-id")
    return articles.newest_first()


def _search_simple(articles: ArticleQuerySet, q: str, order: str) -> ArticleQuerySet:
    for word in q.split()[:MAX_WORDS]:
        articles = articles.filter(_contains(word))
    return articles.newest_first()


def _contains(word: str) -> Q:
    return Q(title__icontains=word) | Q(summary__icontains=word)


def highlight(article: Article, q: str) -> tuple[SafeString, SafeString]:
    """Title and excerpt of a search result as safe HTML, matches in <mark>."""
    title = getattr(article, "title_marked", None)
    excerpt = getattr(article, "excerpt_marked", None)
    if title is None:  # SQLite: mark the words ourselves.
        title = _mark_words(article.title, q)
        excerpt = _mark_words(_excerpt(strip_tags(article.summary), q), q)
    return _to_html(title), _to_html(excerpt or "")


def _excerpt(text: str, q: str, width: int = 220) -> str:
    text = " ".join(text.split())
    first = min((i for w in q.split() if (i := text.lower().find(w.lower())) >= 0), default=0)
    start = max(first - 60, 0)
    return ("… " if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


def _mark_words(text: str, q: str) -> str:
    words = [re.escape(w) for w in q.split()[:MAX_WORDS] if w]
    if not words:
        return text
    return re.sub("(" + "|".join(words) + ")", f"{_START}\\1{_STOP}", text, flags=re.I)


def _to_html(marked: str) -> SafeString:
    html = _MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", escape(marked))
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))
