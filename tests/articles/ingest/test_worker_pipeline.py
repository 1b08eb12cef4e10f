"""The whole pipeline through real processes: dispatcher → Redis broker → Celery worker → stored article."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Source
from articles.tasks import dispatch_due_sources
from newsroom.celery import app
from tests.builders import simple_feed
from tests.helpers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dispatcher_queues_due_sources_and_a_real_worker_stores_their_stories(httpserver, redis_broker_url):
    httpserver.expect_request("/due").respond_with_data(simple_feed(3, prefix="Balaruc : due"))
    httpserver.expect_request("/later").respond_with_data(simple_feed(2, prefix="Gigean : plus tard"))
    due = Source.objects.create(name="Due", url=httpserver.url_for("/due"), feed_url=httpserver.url_for("/due"))
    later = Source.objects.create(
        name="Plus tard",
        url=httpserver.url_for("/later"),
        feed_url=httpserver.url_for("/later"),
        next_check_at=timezone.now() + timedelta(hours=1),
    )
    with celery_worker(redis_broker_url) as worker:
        with app.connection_for_write(redis_broker_url) as conn:
            # The dispatcher itself runs in the worker and queues one poll task per due source.
            dispatch_due_sources.apply_async(connection=conn)
        wait_until(
            lambda: Article.objects.filter(source=due).count() == 3 or worker.poll() is not None,
            timeout=60,
            message="the worker never stored the due source's stories",
        )
        assert worker.poll() is None, "the worker died"
    due.refresh_from_db()
    assert due.queued_at is None and due.next_check_at > timezone.now()
    assert due.fetch_logs.get().new == 3
    assert not Article.objects.filter(source=later).exists()
