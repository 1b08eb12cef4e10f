"""EMAIL_URL is read strictly: a typo fails at start, nothing set means the console backend."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import email_from_url

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_nothing_set_means_the_console_backend():
    assert email_from_url("") == {"EMAIL_BACKEND": CONSOLE}
    assert email_from_url("console://") == {"EMAIL_BACKEND": CONSOLE}


def test_it_reads_user_password_host_port_and_starttls():
    settings = email_from_url("smtp://lettre:p%40ss@mail.example:587/?tls=1")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("mail.example", 587)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("lettre", "p@ss")
    assert (settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (True, False)


def test_ssl_defaults_to_port_465():
    settings = email_from_url("smtp://mail.example/?ssl=1")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (465, True, False)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtps://mail.example", "must start with smtp://"),
        ("smtp://mail.example/?tls=1&ssl=1", "both tls=1"),
        ("smtp://mail.example/?tls=oui", "tls must be 1 or 0"),
        ("smtp://mail.example/?starttls=1", "accepts only"),
        ("smtp://mail.example:port/", "malformed port"),
        ("smtp:///?tls=1", "must name a host"),
    ],
)
def test_a_malformed_url_fails_loudly(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        email_from_url(url)
