"""Scheduling: the adaptive interval, TTL, jitter, backoff, attention, and the dispatcher's batches."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.ingest import schedule
from articles.ingest.dispatch import dispatch_due, due_sources
from articles.ingest.poll import poll_source
from articles.models import Source
from tests.builders import make_feed_source, rss, simple_feed

pytestmark = pytest.mark.django_db


def test_a_new_source_is_checked_every_30_minutes():
    assert Source(name="x", url="https://x.example/").interval == 30 * 60


def test_the_interval_adapts_to_how_often_the_source_publishes():
    now = timezone.now()
    busy = [now - timedelta(minutes=6 * i) for i in range(20)]  # a short feed of a busy site
    quiet = [now - timedelta(days=3)]
    assert schedule.adaptive_interval(busy, now, 1800) == schedule.MIN_INTERVAL
    assert schedule.adaptive_interval(quiet, now, 1800) == schedule.MAX_INTERVAL
    assert schedule.adaptive_interval([now - timedelta(days=30)], now, 1800) == schedule.MAX_INTERVAL
    twice_a_day = [now - timedelta(hours=12 * i, minutes=1) for i in range(14)]
    assert 5 * 3600 < schedule.adaptive_interval(twice_a_day, now, 1800) <= 6 * 3600
    assert schedule.adaptive_interval([None, None], now, 1800) == 1800


def test_jitter_adds_at_most_20_percent_and_never_passes_a_day():
    rng = random.Random(4)
    delays = [schedule.with_jitter(3600, rng) for _ in range(500)]
    assert min(delays) >= 3600 and max(delays) <= 3600 * 1.2
    assert len(set(delays)) > 50
    assert schedule.with_jitter(86400, rng) == 86400


def test_errors_back_off_geometrically_up_to_a_day():
    plain = [schedule.clamp(schedule.MIN_INTERVAL * 2 ** (n - 1)) for n in range(1, 12)]
    assert plain[:4] == [300, 600, 1200, 2400]
    assert plain[-1] == 86400
    for count in range(1, 15):
        delay = schedule.error_delay(count)
        assert plain[min(count, 11) - 1] <= delay <= 86400


def test_the_feed_ttl_and_cache_control_are_honoured(httpserver):
    httpserver.expect_request("/feed").respond_with_data(
        rss(title="TTL", ttl=180), headers={"Cache-Control": "public, max-age=600"}
    )
    source = make_feed_source(httpserver.url_for("/feed"), interval=300)
    before = timezone.now()
    poll_source(source.id)
    source.refresh_from_db()
    assert source.next_check_at >= before + timedelta(minutes=180)
    assert schedule.max_age({"cache-control": "public, max-age=600"}) == 600


def test_ten_errors_in_a_row_flag_the_source_and_it_is_still_tried_daily(httpserver):
    httpserver.expect_request("/feed").respond_with_data("panne", status=500)
    source = make_feed_source(httpserver.url_for("/feed"))
    for attempt in range(10):
        poll_source(source.id, force=True)
        source.refresh_from_db()
        assert source.needs_attention == (attempt == 9)
    assert source.error_count == 10 and source.enabled
    assert source.next_check_at <= timezone.now() + timedelta(days=1, seconds=5)
    assert "500" in source.last_error

    httpserver.clear()
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    poll_source(source.id, force=True)
    source.refresh_from_db()
    assert (source.error_count, source.needs_attention, source.last_error) == (0, False, "")


def test_a_source_that_is_not_due_is_skipped_unless_forced(httpserver):
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    source = make_feed_source(httpserver.url_for("/feed"), next_check_at=timezone.now() + timedelta(hours=1))
    assert poll_source(source.id).status == "skipped"
    assert httpserver.log == []
    assert poll_source(source.id, force=True).status == "ok"


def test_the_dispatcher_queues_due_sources_oldest_first_in_bounded_batches(django_capture_on_commit_callbacks):
    now = timezone.now()
    old = make_feed_source("https://a.example/", next_check_at=now - timedelta(hours=2))
    newer = make_feed_source("https://b.example/", next_check_at=now - timedelta(hours=1))
    make_feed_source("https://c.example/", next_check_at=now + timedelta(hours=1))
    make_feed_source("https://d.example/", next_check_at=now - timedelta(hours=3), enabled=False)
    sent = []
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due(sent.append, limit=1) == 1
    assert sent == [[[old.id]]]  # one batch of one source
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due(sent.append, limit=10)
    assert sent[1] == [[newer.id]]
    # Queued sources are not queued again every minute while they wait.
    assert due_sources(10) == []
