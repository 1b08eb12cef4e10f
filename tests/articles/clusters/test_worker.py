"""Grouping at ingest through a real Celery worker: the poll task stores and groups in one go."""

from __future__ import annotations

from datetime import timedelta

import pytest

from articles.models import Article, Cluster
from articles.tasks import poll_source
from newsroom.celery import app
from tests.builders import make_feed_source, make_source, rss_from_items
from tests.helpers import celery_worker, wait_until

from .test_assign import BUDGET, START, story

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_groups_a_polled_version_with_the_stored_one(httpserver, redis_broker_url):
    lead = story(make_source("Midi Libre"), BUDGET, "Le conseil municipal a voté le budget lundi soir.")
    item = {
        "title": "Conseil municipal de Sète : le budget voté à 98 millions d'euros",
        "link": "https://thau-infos.example/budget",
        "summary": "Le conseil municipal a voté le budget lundi soir, 98 M€.",
        "published": START + timedelta(hours=3),
    }
    httpserver.expect_request("/feed").respond_with_data(rss_from_items([item]))
    source = make_feed_source(httpserver.url_for("/feed"), name="Thau Infos")
    with celery_worker(redis_broker_url) as worker:
        with app.connection_for_write(redis_broker_url) as conn:
            poll_source.apply_async((source.pk,), connection=conn)
        wait_until(
            lambda: Article.objects.filter(source=source, cluster__isnull=False).exists() or worker.poll() is not None,
            timeout=60,
            message="the worker never stored the version",
        )
        assert worker.poll() is None, "the worker died"
    version = Article.objects.get(source=source)
    assert version.cluster_id == lead.cluster_id and not version.is_lead
    assert Cluster.objects.get(pk=lead.cluster_id).size == 2
