"""Classification benchmarks (issue #4), on PostgreSQL.

1. Median time to classify one story (title + summary) with every alias, rule and candidate
   loaded: target ≤ 50 µs.
2. Re-classifying 100,000 stored stories with ``reclassify`` (what ``manage.py reclassify --all``
   runs): target under one minute. Measured twice: a first run that writes every tag, then a run
   after a rule change, where most tags stay as they are.

``main()`` runs the measurements in a child process whose DATABASE_URL points at a database of its
own (``newsroom_bench_classify``, created if missing), so it never touches another database.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "newsroom_bench_classify"
PG = "postgres://postgres@127.0.0.1:5432"
STORED = 100_000
LABELLED = ROOT / "tests" / "articles" / "classify" / "labelled.jsonl"


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> list[str]:
    create_database(BENCH_DB)
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=f"{PG}/{BENCH_DB}",
        DJANGO_LOG_LEVEL="WARNING",
        NEWSROOM_CACHE_PREFIX="bench-classify",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.classify", "--child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Everything below runs in the child process ----------------------------------------------


def _stories() -> list[dict]:
    with LABELLED.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _per_story(stories: list[dict]) -> list[str]:
    from articles.classify import classify_text, current_rules
    from localities.models import Alias

    rules = current_rules()
    # The labelled stories, and the same with a longer summary (a feed's lead paragraph or two).
    long = [{**s, "summary": " ".join([s.get("summary", "")] * 4)} for s in stories]
    lines = []
    for label, sample in (("headline + summary", stories), ("with a 4× longer summary", long)):
        for story in sample:  # warm up
            classify_text(story["title"], story.get("summary", ""), story.get("categories", ()), rules=rules)
        wall, cpu = [], []
        for _ in range(30):
            for story in sample:
                title, summary, categories = story["title"], story.get("summary", ""), story.get("categories", ())
                started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
                classify_text(title, summary, categories, rules=rules)
                cpu.append(time.thread_time_ns() - started_cpu)
                wall.append(time.perf_counter_ns() - started)
        median, median_cpu = statistics.median(wall) / 1000, statistics.median(cpu) / 1000
        p95 = sorted(wall)[int(len(wall) * 0.95)] / 1000
        chars = statistics.mean(len(s["title"]) + len(s.get("summary", "")) for s in sample)
        verdict = "OK" if median <= 50 else "OVER TARGET"
        lines.append(
            f"classify one story, {label} ({chars:.0f} characters): median {median:.1f} µs "
            f"(CPU {median_cpu:.1f} µs), p95 {p95:.1f} µs over {len(wall)} runs — target ≤ 50 µs: {verdict}"
        )
    aliases = Alias.objects.filter(enabled=True).count()
    lines.append(
        f"  loaded: {aliases} aliases, {rules.keywords.size} section phrases, {rules.candidates.size} candidate "
        f"phrases; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring"
    )
    return lines


def _fill(stories: list[dict]) -> None:
    from django.db import transaction

    from articles.models import Article, Source

    source, _ = Source.objects.get_or_create(name="Bench", defaults={"url": "https://bench.example/"})
    have = Article.objects.filter(source=source).count()
    rng = random.Random(4)
    batch = []
    for number in range(have, STORED):
        story = rng.choice(stories)
        batch.append(
            Article(
                source=source,
                guid=f"bench-{number}",
                url=f"https://bench.example/{number}",
                title=story["title"],
                summary=story.get("summary", ""),
                categories=story.get("categories", []),
            )
        )
        if len(batch) == 5000:
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            batch = []
    if batch:
        Article.objects.bulk_create(batch)


def _reclassify() -> list[str]:
    from articles.classify import reclassify
    from articles.models import Article, ArticleCommune, ArticleSection, Section, SectionRule

    # Start from untagged stories, as after an import.
    ArticleCommune.objects.all().delete()
    ArticleSection.objects.all().delete()
    stories = Article.objects.all()
    started = time.monotonic()
    count = reclassify(stories)
    first = time.monotonic() - started
    tags = ArticleCommune.objects.count() + ArticleSection.objects.count()

    # An editor adds a rule: run again, as ``reclassify --all`` would after the edit.
    rule, _ = SectionRule.objects.get_or_create(
        section=Section.objects.get(slug="environnement"), phrase="huîtres", defaults={"weight": 1.0}
    )
    started = time.monotonic()
    reclassify(stories)
    second = time.monotonic() - started
    rule.delete()
    verdict = "OK" if max(first, second) < 60 else "OVER TARGET"
    return [
        f"reclassify {count:,} stored stories: {first:.1f} s writing {tags:,} tags from scratch, "
        f"{second:.1f} s again after a rule change — target < 60 s: {verdict}",
        f"  ({count / first:,.0f} stories/s, then {count / second:,.0f} stories/s)",
    ]


def child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    stories = _stories()
    lines = _per_story(stories)
    _fill(stories)
    lines += _reclassify()
    print(json.dumps(lines, ensure_ascii=False))


if __name__ == "__main__" and "--child" in sys.argv:
    child()
