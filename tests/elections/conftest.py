# The browser fixtures (headless Chromium against the live server) for tests/elections/test_browser.py.
from tests.browser.conftest import chromium, page  # noqa: F401
