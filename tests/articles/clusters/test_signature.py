"""The words' masks: stable across processes, stored with each article, and a bound that never skips
a story the matcher would group (in Python, and in SQL on PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.models import QuerySet

from articles.clusters import assign, normalise
from articles.clusters.assign import assign_new, prepare
from articles.clusters.match import TITLE_WEIGHT, WORDS_FLOOR, WORDS_WEIGHT
from articles.clusters.signature import mask
from articles.models import Article, ArticleCommune
from localities.models import Commune
from tests.builders import make_article, make_source

pytestmark = pytest.mark.django_db
PAIRS = Path(__file__).parent / "data" / "pairs.jsonl"
ROOT = Path(__file__).resolve().parents[3]


def _pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_masks_are_the_same_in_every_process():
    code = "from articles.clusters.signature import mask; print(mask(['sete', 'conseil', 'municipal']))"
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        seen.add(result.stdout.strip())
    assert seen == {str(mask(["sete", "conseil", "municipal"]))}


def test_stored_masks_are_those_of_the_matching_text():
    article = make_article("Sète : le conseil municipal adopte le budget", summary="Réuni lundi soir.")
    normalise.keys(article)
    Article.objects.filter(pk=article.pk).update(
        title_key=article.title_key, match_text=article.match_text, title_bits=None, word_bits=None
    )
    assign._update_articles([(article.pk, {"title_bits": article.title_bits, "word_bits": article.word_bits})])
    stored = Article.objects.get(pk=article.pk)
    features = normalise.Features.parse(stored.match_text)
    assert stored.title_bits == mask(features.title_set) and stored.word_bits == mask(features.word_set)


def test_the_bound_skips_no_pair_whose_words_reach_the_floor():
    """Every labelled story against every other: when the shared words reach the floor, so does the bound."""
    stories = [story for pair in _pairs() for story in (pair["a"], pair["b"])]
    features = []
    for story in stories:
        article = Article(title=story["title"], summary=story.get("summary", ""), url="")
        normalise.keys(article)
        features.append(normalise.parsed(article.match_text))
    checked = 0
    for new in features:
        title_bits, word_bits, title_lost, word_lost, titles, words = new.signature
        for other in features:
            other_title, other_words, _, _, other_titles, other_all = other.signature
            shared = TITLE_WEIGHT * _dice(new.title_set, other.title_set) + WORDS_WEIGHT * _dice(
                new.word_set, other.word_set
            )
            if shared < WORDS_FLOOR:
                continue
            checked += 1
            title = 2 * ((title_bits & other_title).bit_count() + title_lost) / ((titles + other_titles) or 1)
            all_words = 2 * ((word_bits & other_words).bit_count() + word_lost) / ((words + other_all) or 1)
            assert TITLE_WEIGHT * title + WORDS_WEIGHT * all_words >= shared - 1e-12
    assert checked > len(features)  # pairs of one event, and look-alikes, reach it


def _dice(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _stored_and_new() -> tuple[list[Article], list[Article]]:
    """The labelled pairs' first versions stored and grouped, and their second versions stored and
    tagged but not grouped yet."""
    sources: dict[str, object] = {}
    communes = {c.slug: c for c in Commune.objects.all()}
    start = assign.timezone.now() - timedelta(days=2)
    stored, new = [], []
    for number, pair in enumerate(_pairs()):
        for side, made in (("a", stored), ("b", new)):
            story = pair[side]
            source = sources.get(story["source"]) or sources.setdefault(story["source"], make_source(story["source"]))
            article = make_article(
                story["title"],
                summary=story.get("summary", ""),
                source=source,
                published=start + timedelta(hours=story["hours"], minutes=number),
                url=f"https://{side}.example/{number}",
            )
            for slug in story["communes"]:
                ArticleCommune.objects.create(article=article, commune=communes[slug], rule="préfixe du titre")
            made.append(article)
    for article in stored:
        assign_new([article])
    return stored, new


def _decisions(new: list[Article]) -> list[tuple]:
    """Where each new version goes, grouped alone, one by one: the stored versions it joins, its score."""
    result = []
    with transaction.atomic():
        for article in new:
            assign_new([article])
            article.refresh_from_db()
            others = set(Article.objects.filter(cluster_id=article.cluster_id).exclude(pk=article.pk).values_list("pk"))
            result.append((article.pk, others, article.match_score))
        transaction.set_rollback(True)
    return result


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads every candidate")
def test_reading_stories_by_their_words_groups_as_reading_them_all(monkeypatch):
    stored, new = _stored_and_new()
    by_words = _decisions(new)
    monkeypatch.setattr(assign, "FEW", 0)  # every batch reads its communes' window
    for article in new:
        article.cluster_id, article.is_lead, article.match_score = None, True, None
    read_all = _decisions(new)
    assert by_words == read_all
    assert sum(1 for _, others, _ in by_words if others) > len(new) // 2  # most pairs are one event


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads the candidates in three queries")
def test_a_new_story_with_nothing_to_join_costs_one_query_once_stored(django_assert_num_queries):
    source = make_source("Thau Infos")
    make_article("Frontignan : la fête du muscat", source=make_source("Midi Libre"), communes=["frontignan"])
    article = Article(source=source, guid="new", url="https://thau.example/noel", title="Mèze : le marché de Noël")
    article.published = assign.timezone.now()
    prepare([article])
    Article.objects.bulk_create([article])
    ArticleCommune.objects.create(article=article, commune=Commune.objects.get(slug="meze"), rule="préfixe du titre")
    with django_assert_num_queries(1):  # its communes and the candidates, in one statement
        assign_new([article])
    assert Article.objects.get(pk=article.pk).cluster.lead_id == article.pk


def test_the_migration_fills_the_masks_of_stored_articles():
    articles = [make_article(f"Sète : histoire numéro {n} du port", summary="Sur le quai.") for n in range(3)]
    for article in articles:
        normalise.keys(article)
    assign._update_articles([(a.pk, {"match_text": a.match_text}) for a in articles])
    QuerySet.update(Article.objects.all(), title_bits=None, word_bits=None)
    migration = import_module("articles.migrations.0012_article_match_bits")
    migration.fill_masks(apps, SimpleNamespace(connection=connection))
    for article in articles:
        stored = Article.objects.get(pk=article.pk)
        assert (stored.title_bits, stored.word_bits) == (article.title_bits, article.word_bits)
