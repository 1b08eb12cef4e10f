"""Fixtures for the desk tests: people in the two desk roles, and their logged-in clients."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from articles.admin.roles import ADMINISTRATORS, EDITORS
from tests.builders import make_person


@pytest.fixture
def editor(db) -> User:
    return make_person("alice", EDITORS)


@pytest.fixture
def administrator(db) -> User:
    return make_person("bruno", ADMINISTRATORS)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def admin_group_client(client, administrator):
    client.force_login(administrator)
    return client
