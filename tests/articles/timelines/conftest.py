"""Fixtures for timeline tests: a commune, a section, and the reference rows for transactional tests."""

from __future__ import annotations

import pytest

from articles.models import Section
from localities.models import Commune
from tests.helpers import restore_places


@pytest.fixture
def sete() -> Commune:
    return Commune.objects.get(slug="sete")


@pytest.fixture
def elections() -> Section:
    return Section.objects.get(slug="elections")


@pytest.fixture
def places(transactional_db) -> None:
    restore_places()
