"""Which articles each subscriber gets: one query per distinct filter, however many share it.

Subscribers are grouped by what they follow (communes, sections and, for alerts, keywords). Each
group's articles come in one query from the lowest cursor of the group; each member then keeps the
ones after their own cursor. Keywords use search's French matching (``articles.search``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q

from articles.models import Article, ArticleCommune, ArticleSection
from articles.search import SearchSpec, search_articles
from localities.models import Commune
from subscriptions.models import Delivery, Subscriber

MAX_ARTICLES = 60  # per email: past that, the reader is better served by the site
GROUP_LIMIT = 500  # per query: members with an older cursor still get their newest MAX_ARTICLES


@dataclass(frozen=True)
class Filter:
    communes: tuple[int, ...] = ()
    sections: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass
class Digest:
    subscriber: Subscriber
    kind: str
    after: int
    until: int
    filter: Filter
    articles: list[Article] = field(default_factory=list)


def newest_article_id() -> int:
    return Article.objects.aggregate(top=Max("id"))["top"] or 0


def filters_of(subscribers: list[Subscriber], *, keywords: bool) -> dict[int, Filter]:
    """Each subscriber's filter, read in two queries whatever their number."""
    ids = {s.pk for s in subscribers}
    communes: dict[int, list[int]] = defaultdict(list)
    sections: dict[int, list[int]] = defaultdict(list)
    for model, target, out in (
        (Subscriber.communes.through, "commune_id", communes),
        (Subscriber.sections.through, "section_id", sections),
    ):
        rows = model.objects.all()
        # A long list of ids would make a huge statement: past a few, read every active subscriber's.
        if len(ids) <= 1000:
            rows = rows.filter(subscriber_id__in=ids)
        else:
            rows = rows.filter(subscriber__in=Subscriber.objects.active())
        for subscriber_id, value in rows.values_list("subscriber_id", target):
            if subscriber_id in ids:
                out[subscriber_id].append(value)
    return {
        s.pk: Filter(
            tuple(sorted(communes[s.pk])),
            tuple(sorted(sections[s.pk])),
            tuple(sorted(s.keywords)) if keywords else (),
        )
        for s in subscribers
    }


def matching_articles(spec: Filter, after: int, until: int) -> list[Article]:
    """Visible articles with ids in (after, until] that ``spec`` selects, newest first."""
    articles = Article.objects.visible().filter(id__gt=after, id__lte=until)
    # Subqueries rather than joins: an article in two followed communes comes once.
    if spec.communes:
        articles = articles.filter(id__in=ArticleCommune.objects.filter(commune__in=spec.communes).values("article"))
    if spec.sections:
        articles = articles.filter(id__in=ArticleSection.objects.filter(section__in=spec.sections).values("article"))
    if spec.keywords:
        articles = articles.filter(keyword_match(spec.keywords))
    return list(
        articles.select_related("source")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("id", "name", "slug")))
        .order_by("-id")[:GROUP_LIMIT]
    )


def keyword_match(keywords: Iterable[str]) -> Q:
    """Articles that search would find for any of ``keywords`` (French, accent-blind on PostgreSQL)."""
    match = Q(pk__in=[])
    for word in keywords:
        match |= Q(id__in=search_articles(SearchSpec(q=word)).values("id"))
    return match


def build_digests(subscribers: list[Subscriber], kind: str, until: int) -> list[Digest]:
    """One Digest per subscriber (empty ones included), for articles after their cursor up to ``until``."""
    alert = kind == Delivery.Kind.ALERT
    cursor = "alert_cursor" if alert else "cursor"
    filters = filters_of(subscribers, keywords=alert)
    groups: dict[Filter, list[Subscriber]] = defaultdict(list)
    for subscriber in subscribers:
        groups[filters[subscriber.pk]].append(subscriber)
    digests = []
    for spec, members in groups.items():
        low = min(getattr(s, cursor) for s in members)
        articles = matching_articles(spec, low, until) if low < until else []
        for subscriber in members:
            after = getattr(subscriber, cursor)
            mine = [a for a in articles if a.id > after][:MAX_ARTICLES]
            digests.append(Digest(subscriber, kind, after, until, spec, mine))
    return digests


def rebuild(delivery: Delivery) -> Digest:
    """The digest a delivery recorded, for a retry: the same article range, the same filter."""
    subscriber = delivery.subscriber
    alert = delivery.kind == Delivery.Kind.ALERT
    spec = filters_of([subscriber], keywords=alert)[subscriber.pk]
    articles = matching_articles(spec, delivery.after, delivery.until)[:MAX_ARTICLES]
    return Digest(subscriber, delivery.kind, delivery.after, delivery.until, spec, articles)
