"""Settings come from the environment; bad or missing values are refused with a clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import ROOT

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "tz": settings.TIME_ZONE, "use_tz": settings.USE_TZ, "lang": settings.LANGUAGE_CODE,
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "proxy": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "site_url": settings.NEWSROOM_SITE_URL,
}))
"""

# The suite's own switches (see tests/services.py) must not leak into the settings under test.
CLEAN = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "NEWSROOM_ALLOW_PRIVATE_FETCH",
    "NEWSROOM_TESTING",
)
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-8f3k2j5h7g9d1s0a",
    "DJANGO_ALLOWED_HOSTS": "news.example,www.news.example",
}


def run(code: str, args: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEAN}
    base["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    base.update(env)
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def probe(**env: str) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_it_runs_locally_on_sqlite_and_the_embedded_broker():
    got = probe()
    assert got["debug"] is True
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["db_name"].endswith("var/db.sqlite3")
    assert got["broker"] == "filesystem://"
    assert got["cache"].endswith("LocMemCache")
    assert (got["tz"], got["use_tz"], got["lang"]) == ("Europe/Paris", True, "fr")


def database_url_for_children_switches_to_postgresql():
    got = probe(DATABASE_URL="postgres://news:secret@db.internal:5433/newsroom")
    assert got["engine"] == "django.db.backends.postgresql"
    assert got["db_name"] == "newsroom"


def test_redis_url_switches_broker_and_cache_and_celery_broker_url_overrides_the_broker():
    got = probe(REDIS_URL="redis://cache.internal:6379/2")
    assert got["broker"] == "redis://cache.internal:6379/2"
    assert got["cache"] == "newsroom.cache.FailSafeRedisCache"
    got = probe(REDIS_URL="redis://cache.internal:6379/2", CELERY_BROKER_URL="redis://queue.internal:6379/0")
    assert got["broker"] == "redis://queue.internal:6379/0"
    assert got["cache"] == "newsroom.cache.FailSafeRedisCache"


def test_production_refuses_to_start_without_secret_key_and_says_which():
    result = run(PROBE, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="news.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(PROBE, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_bad_values_are_rejected_with_the_variable_name():
    result = run(PROBE, DJANGO_DEBUG="maybe")
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr
    result = run(PROBE, DATABASE_URL="mysql://x@y/z")
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr
    result = run(PROBE, **PRODUCTION, DJANGO_SECURE_HSTS_SECONDS="a year")
    assert result.returncode != 0 and "DJANGO_SECURE_HSTS_SECONDS" in result.stderr


def test_production_uses_hashed_static_files_and_security_switches():
    got = probe(**PRODUCTION)
    assert got["debug"] is False
    assert got["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert got["hsts"] == 31536000 and got["ssl_redirect"] is True
    got = probe(
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="60",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    assert got["ssl_redirect"] is False and got["hsts"] == 60
    assert got["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_check_deploy_is_clean_in_production_mode():
    result = run("", ("check", "--deploy", "--fail-level", "WARNING"), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_email_links_in_production_default_to_the_first_allowed_host_over_https():
    assert probe(**PRODUCTION)["site_url"] == "https://news.example"
    assert probe(**PRODUCTION, NEWSROOM_SITE_URL="https://www.news.example/")["site_url"] == "https://www.news.example"
    assert probe()["site_url"] == "http://127.0.0.1:8000"
