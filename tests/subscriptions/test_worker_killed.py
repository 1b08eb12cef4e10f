"""A real worker is SIGKILLed in the middle of a digest run: the next run sends the rest, none twice."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest

from subscriptions import tasks
from subscriptions.models import Delivery
from tests.builders import make_article
from tests.helpers import celery_worker, wait_until
from tests.subscriptions.builders import make_subscriber

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = 5


def test_a_worker_killed_mid_send_never_sends_an_email_twice(smtp, broker):
    addresses = [f"lecteur{n}@exemple.fr" for n in range(COUNT)]
    for address in addresses:
        make_subscriber(address, hour=0)
    make_article("Sète : une nouvelle pour tout le monde", communes=["sete"])
    smtp.mailbox.hang_at = 3  # the third email arrives, and its reply never comes back
    env = {"EMAIL_URL": smtp.url}

    with celery_worker(broker.url, broker_dir=broker.folder, env=env) as first:
        broker.send(tasks.send_digests)
        assert smtp.mailbox.arrived.wait(60), "the worker never reached the third email"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    smtp.mailbox.release()
    assert len(smtp.mailbox.messages) == 3

    # The next beat (or the redelivered task) runs on another worker.
    with celery_worker(broker.url, broker_dir=broker.folder, env=env) as second:
        broker.send(tasks.send_digests)
        wait_until(
            lambda: (
                Delivery.objects.filter(status=Delivery.Status.SENT).count() == COUNT - 1 or second.poll() is not None
            ),
            timeout=60,
            message="the second worker did not send the rest",
        )
        assert second.poll() is None
    received = Counter(message["To"] for message in smtp.mailbox.messages)
    assert sorted(received) == sorted(addresses)
    assert set(received.values()) == {1}, received
    # The one cut off mid-send stays recorded as such: at most once, never a second copy.
    assert Delivery.objects.filter(status=Delivery.Status.SENDING).count() == 1
