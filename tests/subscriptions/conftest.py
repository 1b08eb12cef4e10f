from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.subscriptions.smtp import SmtpServer
from tests.subscriptions.worker import Broker, filesystem_broker


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings, smtp_server) -> SmtpServer:
    """Django's SMTP backend pointed at the local server (instead of pytest-django's locmem outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return smtp_server


@pytest.fixture
def broker(request, tmp_path) -> Broker:
    if os.environ.get("REDIS_URL"):
        return Broker(request.getfixturevalue("redis_broker_url"))
    return filesystem_broker(tmp_path)
