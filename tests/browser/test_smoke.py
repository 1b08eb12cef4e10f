from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_renders_in_chromium_without_console_errors(page):
    page.goto("/")
    assert page.locator("nav[aria-label='Communes'] a", has_text="Gigean").count() == 1
    page.locator("nav[aria-label='Communes'] a", has_text="Gigean").click()
    assert page.url.endswith("/communes/gigean/")
    assert page.watch.foreign_requests == []
