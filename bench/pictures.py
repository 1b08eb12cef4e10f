"""Pictures benchmark: the home page with its commune map, uncached, against the same
page without the map. Target: with the map <= 1.3x without.

A child process does the Django work (production settings: cached templates, DEBUG off) on a
PostgreSQL database of its own (``newsroom_bench_pictures``, 20,000 articles, a week of them within the
map's 7 days), with the timeline cache off so every request builds the page. The two variants
alternate, ROUNDS times each, and each figure is a median.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time

from bench.child import child_env, entry, run_child

DATABASE = "newsroom_bench_pictures"
ARTICLES = 20_000
ROUNDS = int(os.environ.get("NEWSROOM_BENCH_PICTURES_ROUNDS", "60"))
TARGET = 1.3


def main() -> list[str]:
    env = child_env(
        DATABASE,
        "bench-pictures",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="testserver",
        NEWSROOM_TIMELINE_CACHE_SECONDS="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        NEWSROOM_VAR_DIR=tempfile.mkdtemp(prefix="bench-pictures-"),  # its own collected static files
        REDIS_URL=None,  # local-memory cache: the page cache is off anyway
    )
    figures = run_child("bench.pictures", DATABASE, env)
    ratio = figures["with_map"] / figures["without_map"]
    verdict = "OK" if ratio <= TARGET else "OVER TARGET"
    return [
        f"home page, uncached, {ARTICLES} articles, median of {ROUNDS} requests each:",
        f"  without the map: {figures['without_map'] * 1000:.1f} ms",
        f"  with the map:    {figures['with_map'] * 1000:.1f} ms ({figures['map_bytes']} bytes of SVG and list)",
        f"  ratio {ratio:.2f} (target <= {TARGET}) {verdict}",
    ]


def _child() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.template import Node, engines
    from django.test import Client

    from pictures.templatetags import pictures as tags

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _fill()
    client = Client()
    real = tags.register.tags["commune_map_for"]

    class Empty(Node):
        def render(self, context) -> str:
            return ""

    def without_map(parser, token):
        real(parser, token)  # the same parsing work; renders nothing
        return Empty()

    def render(with_map: bool) -> float:
        tags.register.tags["commune_map_for"] = real if with_map else without_map
        for loader in engines["django"].engine.template_loaders:
            loader.reset()  # recompile with this variant of the tag, then warm
        client.get("/")
        started = time.perf_counter()
        response = client.get("/")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return elapsed

    for _ in range(5):  # warm connections and caches of the directory
        render(True), render(False)
    times = {True: [], False: []}
    for _ in range(ROUNDS):
        for variant in (True, False):
            times[variant].append(render(variant))
    render(True)
    html_with = client.get("/").content.decode()
    start = html_with.index('<section class="commune-map')
    map_bytes = len(html_with[start : html_with.index("</section>", start)].encode())
    print(
        json.dumps(
            {
                "with_map": statistics.median(times[True]),
                "without_map": statistics.median(times[False]),
                "map_bytes": map_bytes,
            }
        )
    )


def _fill() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article, ArticleCommune, Source
    from localities.models import Commune

    if Article.objects.count() >= ARTICLES:
        return
    from django.db import connection

    source, _ = Source.objects.get_or_create(name="Banc d’essai", defaults={"url": "https://banc.example/"})
    communes = list(Commune.objects.all())
    now = timezone.now()
    articles = [
        Article(
            source=source,
            guid=f"bench-{n}",
            url=f"https://banc.example/{n}",
            title=f"Article d’essai numéro {n}",
            summary="<p>Un résumé de quelques mots pour le banc d’essai.</p>",
            published=now - timedelta(minutes=5 * n),  # about a week of articles per 2,000
        )
        for n in range(ARTICLES)
    ]
    created = Article.objects.bulk_create(articles, batch_size=2000)
    ArticleCommune.objects.bulk_create(
        [ArticleCommune(article=a, commune=communes[i % len(communes)]) for i, a in enumerate(created)],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after such an insert: plans use real statistics


if __name__ == "__main__":
    entry(main, _child)
