"""Getting in: a demo administrator with a random password in local mode, and none in production."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from articles.demo_admin import DEMO_USERNAME, demo_admin_message, ensure_demo_admin

pytestmark = pytest.mark.django_db


def test_local_mode_creates_an_administrator_with_a_random_password(settings, tmp_path):
    settings.DEBUG, settings.VAR_DIR = True, tmp_path
    username, password = ensure_demo_admin()
    assert username == DEMO_USERNAME and len(password) >= 12
    user = get_user_model().objects.get(username=username)
    assert user.check_password(password) and user.is_superuser and user.is_staff
    assert (tmp_path / "demo-admin.txt").stat().st_mode & 0o077 == 0  # only its owner may read it
    message = demo_admin_message((username, password), "127.0.0.1:8104")
    assert "http://127.0.0.1:8104/admin/" in message and username in message and password in message


def test_the_password_is_kept_between_runs_and_differs_between_installs(settings, tmp_path):
    settings.DEBUG, settings.VAR_DIR = True, tmp_path / "one"
    settings.VAR_DIR.mkdir()
    first = ensure_demo_admin()
    assert ensure_demo_admin() == first
    get_user_model().objects.all().delete()
    settings.VAR_DIR = tmp_path / "two"
    settings.VAR_DIR.mkdir()
    assert ensure_demo_admin()[1] != first[1]


def test_production_gets_no_default_account(settings, tmp_path):
    settings.DEBUG, settings.VAR_DIR = False, tmp_path
    with pytest.raises(RuntimeError, match="No demo account"):
        ensure_demo_admin()
    assert not get_user_model().objects.exists()
    assert not (tmp_path / "demo-admin.txt").exists()
