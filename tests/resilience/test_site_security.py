"""Security of the site: production cookies and headers, the admin login rate limit and the editors' reach."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.admin.roles import EDITORS
from articles.models import Source
from tests.helpers import database_url_for_children
from tests.newsroom.test_settings import PRODUCTION, run

pytestmark = pytest.mark.django_db

HEADERS_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/healthz", secure=True, HTTP_HOST="news.example")
print(json.dumps({k: response.get(k) for k in (
    "Strict-Transport-Security", "X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options",
    "Referrer-Policy")} | {"status": response.status_code}))
"""


def test_production_cookies_are_secure_and_hsts_is_on_by_default():
    code = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps(["
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,"
        "settings.SECURE_HSTS_SECONDS, settings.X_FRAME_OPTIONS]))"
    )
    result = run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True, True, 31536000, "DENY"]


def _production_headers(**env: str) -> dict:
    # /healthz reads the database: point the probe at the test database, migrated, not at var/.
    result = run(
        HEADERS_PROBE, **PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0", DATABASE_URL=database_url_for_children(), **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_hsts_is_configurable_from_the_environment():
    assert _production_headers()["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    shorter = _production_headers(
        DJANGO_SECURE_HSTS_SECONDS="3600", DJANGO_SECURE_HSTS_PRELOAD="0", DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0"
    )
    assert shorter["Strict-Transport-Security"] == "max-age=3600"
    assert _production_headers(DJANGO_SECURE_HSTS_SECONDS="0")["Strict-Transport-Security"] is None


def test_production_pages_deny_framing_and_inline_script():
    headers = _production_headers()
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = {part.split()[0]: part.split()[1:] for part in headers["Content-Security-Policy"].split(";") if part.strip()}
    assert csp["script-src"] == ["'self'"], "inline script must not be allowed"
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]


@pytest.mark.parametrize("path", ["/", "/communes/sete/", "/recherche/?q=port", "/rss/", "/admin/login/"])
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def _login(client, username: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def test_admin_login_is_locked_after_five_failures_even_with_the_right_password(client, settings):
    User.objects.create_superuser("redac", "redac@news.example", "le-bon-mot-de-passe-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "redac", "mauvais")
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    locked = _login(client, "redac", "mauvais")
    assert locked.status_code == 429
    # Once locked, even the right password is refused: guessing cannot continue.
    assert _login(client, "redac", "le-bon-mot-de-passe-2026").status_code == 429
    assert "_auth_user_id" not in client.session


def test_changing_address_does_not_let_a_guesser_continue_and_the_lock_lifts_after_the_cool_off(client, settings):
    User.objects.create_superuser("redac", "redac@news.example", "le-bon-mot-de-passe-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "redac", "mauvais")

    def right_password_from(address: str):
        return client.post(
            "/admin/login/?next=/admin/",
            {"username": "redac", "password": "le-bon-mot-de-passe-2026"},
            REMOTE_ADDR=address,
        )

    # The lock is on the account too, so a botnet rotating addresses gets nowhere.
    assert right_password_from("198.51.100.20").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)):
        response = right_password_from("198.51.100.20")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def _editor(client) -> User:
    user = User.objects.create_user("editrice", password="x-editrice-2026", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "path",
    ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/", "/admin/auth/user/{user}/change/"],
)
def test_editors_cannot_reach_users_or_groups(client, path):
    user = _editor(client)
    assert client.get(path.format(user=user.pk)).status_code == 403


def test_editors_cannot_delete_a_source(client):
    _editor(client)
    source = Source.objects.create(name="Thau Info", url="https://thau.example/rss")
    assert client.get(f"/admin/articles/source/{source.pk}/delete/").status_code == 403
    assert client.post(f"/admin/articles/source/{source.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = client.get("/admin/articles/source/")
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    response = client.post(
        "/admin/articles/source/", {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert Source.objects.filter(pk=source.pk).exists()
