"""The whole path through a real SMTP server and a real Celery worker:
signup → confirmation → an article is polled → digest sent → one-click unsubscribe → nothing more."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.ingest.poll import poll_source
from subscriptions import sending, tasks
from subscriptions.models import Delivery, Subscriber
from tests.builders import make_feed_source, rss, rss_item
from tests.helpers import celery_worker, wait_until
from tests.subscriptions.builders import link_in, signup_data
from tests.subscriptions.smtp import text_of

pytestmark = pytest.mark.django_db(transaction=True)
ADDRESS = "claire@exemple.fr"


def _poll(httpserver, *titles: str) -> None:
    now = timezone.now()
    items = [rss_item(t, link=f"https://petit-thau.example/{n}", guid=t, published=now) for n, t in enumerate(titles)]
    httpserver.clear()
    httpserver.expect_request("/thau.xml").respond_with_data(rss(*items), content_type="application/rss+xml")
    source = make_feed_source(httpserver.url_for("/thau.xml"))
    assert poll_source(source.pk, force=True).status == "ok"


def test_signup_confirm_digest_and_one_click_unsubscribe(smtp, broker, httpserver):
    client = Client()
    # hour 0: the digest is due whenever the test runs.
    client.post(reverse("subscriptions:subscribe"), signup_data(ADDRESS, commune=["sete"], hour="0"))
    (confirmation,) = smtp.mailbox.to(ADDRESS)
    client.post(link_in(text_of(confirmation), "confirmer"))
    assert Subscriber.objects.get(email=ADDRESS).confirmed

    _poll(httpserver, "Sète : la fête de la Saint-Louis commence", "Mèze : le marché déménage")
    env = {"EMAIL_URL": smtp.url, "NEWSROOM_EMAIL_FROM": "Newsroom <ne-pas-repondre@newsroom.example>"}
    with celery_worker(broker.url, broker_dir=broker.folder, env=env) as worker:
        broker.send(tasks.send_digests)
        wait_until(
            lambda: len(smtp.mailbox.to(ADDRESS)) == 2 or worker.poll() is not None,
            timeout=60,
            message="the worker never sent the digest",
        )
        assert worker.poll() is None, "the worker died"
    digest = smtp.mailbox.to(ADDRESS)[1]
    assert "Saint-Louis" in text_of(digest) and "marché" not in text_of(digest)
    assert Delivery.objects.get().status == Delivery.Status.SENT

    # What a mail client does with RFC 8058's headers: POST to the URL, no cookie, no CSRF token.
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = urlsplit(re.search(r"<([^>]+)>", str(digest["List-Unsubscribe"])).group(1)).path
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscriber.objects.filter(email=ADDRESS).exists()

    _poll(httpserver, "Sète : encore une nouvelle")
    sending.send_digests(force=True)
    sending.send_alerts()
    assert len(smtp.mailbox.to(ADDRESS)) == 2
