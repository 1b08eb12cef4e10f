"""Subscriber digest benchmark, on PostgreSQL.

Builds the daily digests of 10,000 confirmed subscribers over the 14 communes (each with one day of
articles: 2,000 of them) and renders every email, as ``send_digests`` does before it hands them to
SMTP. Target: ≤ 60 s on one worker. Also counts the queries with 1,000 and with 10,000 subscribers
following the same filters: they must be equal (one query per distinct filter, not per subscriber).

``main()`` runs in a child process on a database of its own (``newsroom_bench_digests``).
"""

from __future__ import annotations

import json
import random
import sys
import time

from bench.child import child_env, run_child

BENCH_DB = "newsroom_bench_digests"
SUBSCRIBERS = 10_000
ARTICLES = 2_000
TARGET_SECONDS = 60


def main() -> list[str]:
    # A local-memory cache: nothing shared with other runs.
    return run_child("bench.digests", BENCH_DB, child_env(BENCH_DB, "bench-digests", REDIS_URL=None))


# --- Everything below runs in the child process ----------------------------------------------


def _filters(communes: list, sections: list) -> list[tuple[list, list]]:
    """About 60 distinct filters, as residents choose them: one town, two towns, everything, a section."""
    chosen: list[tuple[list, list]] = [([], [])]
    chosen += [([c], []) for c in communes]
    chosen += [([a, b], []) for a, b in zip(communes, communes[1:], strict=False)]
    chosen += [([c], [s]) for c, s in zip(communes, sections * 2, strict=False)]
    chosen += [([], [s]) for s in sections]
    return chosen


def _fill() -> None:
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
    from localities.models import Commune
    from subscriptions.models import Subscriber

    Subscriber.objects.all().delete()
    Source.objects.filter(name="bench-digests").delete()
    source = Source.objects.create(name="bench-digests", url="https://bench-digests.example/")
    communes, sections = list(Commune.objects.all()), list(Section.objects.all())
    rng = random.Random(16)
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            source=source,
            guid=f"d{n}",
            url=f"https://bench-digests.example/{n}",
            title=f"{rng.choice(communes).name} : nouvelle du jour numéro {n}",
            published=now - timezone.timedelta(seconds=40 * n),
        )
        for n in range(ARTICLES)
    )
    ArticleCommune.objects.bulk_create(ArticleCommune(article=a, commune=rng.choice(communes)) for a in articles)
    ArticleSection.objects.bulk_create(ArticleSection(article=a, section=rng.choice(sections)) for a in articles)
    first = min(a.id for a in articles) - 1
    filters = _filters(communes, sections)
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"lecteur{n}@bench.example", confirmed=now, cursor=first) for n in range(SUBSCRIBERS)
    )
    picks = [filters[n % len(filters)] for n in range(SUBSCRIBERS)]
    Subscriber.communes.through.objects.bulk_create(
        Subscriber.communes.through(subscriber=s, commune=c)
        for s, (cs, _) in zip(subscribers, picks, strict=True)
        for c in cs
    )
    Subscriber.sections.through.objects.bulk_create(
        Subscriber.sections.through(subscriber=s, section=x)
        for s, (_, xs) in zip(subscribers, picks, strict=True)
        for x in xs
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such a load: the planner needs row counts


def _build(count: int) -> tuple[float, int, int, int]:
    """(seconds, queries, emails, articles listed) to build and render ``count`` digests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from subscriptions.compose import digest_message
    from subscriptions.digests import build_digests, newest_article_id
    from subscriptions.models import Delivery, Subscriber

    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        subscribers = list(Subscriber.objects.active().order_by("id")[:count])
        digests = build_digests(subscribers, Delivery.Kind.DIGEST, newest_article_id())
        memo: dict = {}
        messages = [digest_message(d, memo).message() for d in digests if d.articles]
    elapsed = time.monotonic() - started
    return elapsed, len(queries), len(messages), sum(len(d.articles) for d in digests)


def child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _fill()
    _build(100)  # warm up templates and the directory
    small_time, small_queries, _, _ = _build(1_000)
    seconds, queries, emails, listed = _build(SUBSCRIBERS)
    verdict = "OK" if seconds <= TARGET_SECONDS else "OVER TARGET"
    same = "OK" if queries == small_queries else "GROWS WITH SUBSCRIBERS"
    lines = [
        f"build + render {SUBSCRIBERS:,} daily digests over 14 communes ({ARTICLES:,} articles of the day): "
        f"{seconds:.1f} s — target ≤ {TARGET_SECONDS} s: {verdict}",
        f"  {emails:,} emails, {listed:,} article lines, {SUBSCRIBERS / seconds:,.0f} digests/s",
        f"  queries: {small_queries} for 1,000 subscribers ({small_time:.1f} s), {queries} for {SUBSCRIBERS:,} "
        f"— same filters, same count: {same}",
    ]
    print(json.dumps(lines, ensure_ascii=False))


if __name__ == "__main__" and "--child" in sys.argv:
    child()
