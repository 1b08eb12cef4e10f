""" "Relever maintenant" queues a poll that a real Celery worker runs against a local feed."""

from __future__ import annotations

import pytest
from django.conf import settings

from articles.models import Article, FetchLog
from newsroom.celery import app
from tests.builders import make_source
from tests.helpers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Thau Hebdo</title><link>{base}/</link>
<item><title>Gigean : la fête du village</title><link>{base}/fete</link><guid>fete-{n}</guid></item>
</channel></rss>"""


def test_poll_now_from_the_list_and_the_form_runs_in_a_real_worker(editor_client, redis_url, httpserver):
    # The admin queues on the project's broker: run the worker there, on an empty queue.
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith("redis://"):
        pytest.skip("the project's broker is the embedded one: this test needs Redis")
    with app.connection_for_write(broker_url) as connection:
        app.control.purge(connection=connection)
    base = httpserver.url_for("").rstrip("/")
    for n in (1, 2):
        httpserver.expect_request(f"/rss{n}.xml").respond_with_data(
            FEED.format(base=base, n=n), content_type="application/rss+xml"
        )
    # Neither source is due: "maintenant" must not wait for the schedule.
    from_list = make_source(feed_url=f"{base}/rss1.xml", next_check_at="2099-01-01T00:00:00Z")
    from_form = make_source(feed_url=f"{base}/rss2.xml", next_check_at="2099-01-01T00:00:00Z")

    with celery_worker(broker_url) as worker:
        response = editor_client.post(
            "/admin/articles/source/", {"action": "poll_now", "_selected_action": [from_list.pk]}, follow=True
        )
        assert "Relevé demandé pour 1 source(s)." in response.content.decode()
        response = editor_client.post(f"/admin/articles/source/{from_form.pk}/relever/", follow=True)
        assert f"Relevé de « {from_form} » demandé." in response.content.decode()
        wait_until(
            lambda: Article.objects.count() == 2 or worker.poll() is not None,
            timeout=60,
            message="the worker never stored the polled stories",
        )
        assert worker.poll() is None, "the worker died"
    assert set(Article.objects.values_list("source_id", flat=True)) == {from_list.pk, from_form.pk}
    assert FetchLog.objects.filter(outcome="ok").count() == 2
