"""Storing: identity, idempotent re-polls, updates, editor locks and tags, one transaction per poll."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import classify
from articles.ingest import store as store_module
from articles.ingest.poll import poll_source
from articles.models import Article, ArticleCommune, FetchLog
from localities.models import Commune
from tests.builders import make_feed_source, rss, rss_item, simple_feed

pytestmark = pytest.mark.django_db


def _serve(httpserver, body: bytes, path: str = "/feed") -> None:
    httpserver.clear()
    httpserver.expect_request(path).respond_with_data(body, content_type="application/rss+xml")


def test_repolling_the_same_feed_stores_each_entry_once(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(5))
    assert poll_source(source.id).new == 5
    # A different body (new build date) with the same entries: parsed again, nothing new.
    _serve(httpserver, simple_feed(5).replace(b"<channel>", b"<channel><lastBuildDate>x</lastBuildDate>"))
    result = poll_source(source.id, force=True)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 5)
    assert Article.objects.filter(source=source).count() == 5


def test_a_changed_title_updates_the_story_instead_of_adding_one(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, rss(rss_item("Frontignan : la fête du muscat", link="https://x.example/1", guid="g1")))
    poll_source(source.id)
    _serve(httpserver, rss(rss_item("Frontignan : la fête du muscat reportée", link="https://x.example/1", guid="g1")))
    result = poll_source(source.id, force=True)
    assert (result.new, result.updated) == (0, 1)
    assert Article.objects.get(source=source).title == "Frontignan : la fête du muscat reportée"


def test_an_editor_locked_story_is_not_overwritten_upstream(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, rss(rss_item("Titre d’origine", link="https://x.example/1", guid="g1")))
    poll_source(source.id)
    Article.objects.filter(source=source).update(title="Titre corrigé", locked=True)
    _serve(httpserver, rss(rss_item("Titre changé en amont", link="https://x.example/1", guid="g1")))
    result = poll_source(source.id, force=True)
    assert (result.updated, result.unchanged) == (0, 1)
    assert Article.objects.get(source=source).title == "Titre corrigé"


def test_it_keeps_editor_tags_on_repoll(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, rss(rss_item("Gigean : le marché", link="https://x.example/1", guid="g1")))
    poll_source(source.id)
    article = Article.objects.get(source=source)
    ArticleCommune.objects.create(article=article, commune=Commune.objects.get(slug="meze"), origin="editor")
    _serve(httpserver, rss(rss_item("Gigean : le marché du jeudi", link="https://x.example/1", guid="g1")))
    poll_source(source.id, force=True)
    assert ArticleCommune.objects.filter(article=article, origin="editor", commune__slug="meze").exists()


def test_entries_sharing_one_guid_stay_separate_stories(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    body = rss(
        rss_item("Sète : premier", link="https://x.example/a", guid="same"),
        rss_item("Sète : second", link="https://x.example/b", guid="same"),
    )
    _serve(httpserver, body)
    assert poll_source(source.id).new == 2
    _serve(httpserver, body + b" ")
    assert poll_source(source.id, force=True).new == 0
    assert Article.objects.filter(source=source).count() == 2


def test_identity_falls_back_to_the_normalised_link_then_a_hash(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(
        httpserver,
        rss(
            rss_item("Avec lien", link="https://x.example/a?utm_source=rss&id=4&fbclid=zz"),
            rss_item("Sans lien ni guid", published=timezone.now()),
        ),
    )
    poll_source(source.id)
    guids = set(Article.objects.filter(source=source).values_list("guid", flat=True))
    assert "https://x.example/a?id=4" in guids
    assert any(guid.startswith("hash:") for guid in guids)
    assert Article.objects.get(title="Avec lien").url == "https://x.example/a?id=4"


def test_a_missing_or_far_future_date_uses_the_fetch_time_and_keeps_the_raw_date(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    future = timezone.now() + timedelta(days=30)
    _serve(httpserver, rss(rss_item("Du futur", link="https://x.example/f", published=future)))
    before = timezone.now()
    poll_source(source.id)
    article = Article.objects.get(source=source)
    assert before - timedelta(seconds=5) <= article.published <= timezone.now()
    assert article.raw_date and str(future.year) in article.raw_date
    assert article.published.tzinfo is not None


def test_summaries_are_sanitised_and_titles_are_plain_text(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    summary = '<p onclick="x()">Bonjour <script>alert(1)</script><a href="javascript:alert(2)">lien</a></p>'
    _serve(
        httpserver, rss(rss_item("Sète &amp;amp; &lt;b&gt;Thau&lt;/b&gt;", link="https://x.example/1", summary=summary))
    )
    poll_source(source.id)
    article = Article.objects.get(source=source)
    assert "script" not in article.summary and "onclick" not in article.summary
    assert "javascript" not in article.summary
    assert article.title == "Sète & Thau"


def test_a_classifier_exception_stores_the_story_untagged(httpserver, monkeypatch):
    def broken(article):
        raise RuntimeError("classifier bug")

    monkeypatch.setattr(classify, "apply_classification", broken)
    monkeypatch.setattr(classify, "apply_classification_many", broken)
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(2))
    assert poll_source(source.id).new == 2
    assert Article.objects.filter(source=source).count() == 2


def test_the_classifier_is_called_for_new_and_updated_stories_only(httpserver, monkeypatch):
    seen = []
    monkeypatch.setattr(
        classify, "apply_classification_many", lambda articles, **kwargs: seen.extend(a.title for a in articles)
    )
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, rss(rss_item("A", link="https://x.example/a"), rss_item("B", link="https://x.example/b")))
    poll_source(source.id)
    _serve(httpserver, rss(rss_item("A2", link="https://x.example/a"), rss_item("B", link="https://x.example/b")))
    poll_source(source.id, force=True)
    assert seen == ["A", "B", "A2"]


def test_a_failure_mid_poll_leaves_nothing_half_written(httpserver, monkeypatch):
    def store_then_crash(*args, **kwargs):
        store_module.store_entries(*args, **kwargs)
        raise RuntimeError("worker killed here, after the inserts")

    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(4))
    monkeypatch.setattr("articles.ingest.poll.store_entries", store_then_crash)
    result = poll_source(source.id)
    assert result.status == "error" and "Erreur interne" in result.error
    assert Article.objects.filter(source=source).count() == 0
    source.refresh_from_db()
    assert source.content_hash == "" and source.error_count == 1

    monkeypatch.undo()
    assert poll_source(source.id, force=True).new == 4
    assert Article.objects.filter(source=source).count() == 4


def test_at_most_500_entries_are_stored_per_poll(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(520))
    assert poll_source(source.id).new == 500


def test_the_fetch_log_keeps_the_last_50_polls(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(1))
    now = timezone.now()
    FetchLog.objects.bulk_create(
        FetchLog(source=source, started=now - timedelta(minutes=i + 1), outcome="ok") for i in range(60)
    )
    poll_source(source.id)
    logs = FetchLog.objects.filter(source=source)
    assert logs.count() == store_module.KEEP_LOGS
    assert logs.first().new == 1


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_poll_records_itself_keeps_50_logs_and_frees_its_locks(httpserver):
    """Outside a test transaction, as in a worker: on PostgreSQL the 304's state, log, pruning and
    unlocks go in one message; everywhere, the next poll can take the source at once."""
    from articles.ingest import locks

    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(2))
    assert poll_source(source.id).new == 2
    now = timezone.now()
    FetchLog.objects.bulk_create(
        FetchLog(source=source, started=now - timedelta(minutes=i + 1), outcome="ok") for i in range(60)
    )
    assert poll_source(source.id, force=True).status == "not_modified"  # same bytes: the hash
    logs = FetchLog.objects.filter(source=source).order_by("-started")
    assert logs.count() == store_module.KEEP_LOGS
    assert logs.first().outcome == FetchLog.Outcome.NOT_MODIFIED
    source.refresh_from_db()
    assert (source.error_count, source.last_status, source.queued_at) == (0, 200, None)
    assert source.next_check_at > now
    lease, _ = locks.lease_and_load(source.id)
    assert lease.token is not None, "the 304 left its source locked"
    lease.release()


def test_a_classifier_failing_on_one_story_keeps_the_tags_of_the_others(httpserver, monkeypatch):
    sete = Commune.objects.get(slug="sete")

    def tag_or_break(article):
        ArticleCommune.objects.create(article=article, commune=sete, rule="test")
        if "2" in article.title:
            raise RuntimeError("classifier bug on this story")

    # The whole poll is classified in one batch; when the batch breaks, each story is retried alone.
    monkeypatch.setattr(classify, "classify_unsaved", lambda articles: None)
    monkeypatch.setattr(
        classify, "apply_classification_many", lambda articles, **kwargs: [tag_or_break(a) for a in articles]
    )
    monkeypatch.setattr(classify, "apply_classification", tag_or_break)
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(4))
    assert poll_source(source.id).new == 4
    tagged = set(ArticleCommune.objects.filter(commune=sete).values_list("article__title", flat=True))
    assert tagged == {"Sète : nouvelle 0", "Sète : nouvelle 1", "Sète : nouvelle 3"}


def test_new_stories_are_still_stored_and_grouped_when_preparing_them_for_grouping_fails(httpserver, monkeypatch):
    def broken(articles):
        for article in articles:
            article.match_text = "half done"
        raise RuntimeError("boom")

    monkeypatch.setattr(store_module.clusters, "prepare", broken)
    source = make_feed_source(httpserver.url_for("/feed"))
    _serve(httpserver, simple_feed(3))
    assert poll_source(source.id).new == 3
    for article in Article.objects.filter(source=source):
        assert article.cluster_id is not None and article.is_lead
        assert article.match_text and article.match_text != "half done"
