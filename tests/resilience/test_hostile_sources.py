"""Hostile sources: every fetch ends within its time limit, with a clear error and bounded memory."""

from __future__ import annotations

import threading
import time

import pytest

from articles.ingest import fetch as fetching
from tests.resilience.servers import MB, peak_python_memory

# The fetch may keep one body in memory (its 15 MB limit) plus decoding buffers; never the 100 MB or 1 GB.
MEMORY_BOUND = 3 * fetching.MAX_BYTES
TIME_BOUND = fetching.total_timeout() + 5
# The slow-source test shortens the total deadline (production: 20 s) so the source is cut in seconds.
SHORT_TIMEOUT = 3


def _fetch_fails(url: str) -> tuple[str, float, int]:
    """Fetch ``url``; return (the error message, seconds taken, peak Python memory).

    The fetch runs in a thread so that a fetch which ignores its deadline fails this test after
    TIME_BOUND seconds instead of hanging the suite.
    """
    outcome: dict = {}

    def attempt():
        try:
            fetching.fetch(url)
        except fetching.FetchError as exc:
            outcome["error"] = exc
        except Exception as exc:  # noqa: BLE001 — reported below as "not a clear error"
            outcome["unexpected"] = exc
        else:
            outcome["returned"] = True

    def run_in_thread():
        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(TIME_BOUND + 5)
        return worker.is_alive()

    started = time.monotonic()
    still_running, peak = peak_python_memory(run_in_thread)
    took = time.monotonic() - started
    assert not still_running, f"the fetch of {url} was still running after {took:.0f} s (limit {TIME_BOUND} s)"
    assert "unexpected" not in outcome, f"not a clear FetchError: {outcome.get('unexpected')!r}"
    assert "error" in outcome, "the hostile response was accepted"
    return str(outcome["error"]), took, peak


def test_a_source_sending_one_byte_a_second_is_cut_at_the_total_deadline(hostile_server, settings):
    settings.NEWSROOM_FETCH_TOTAL_TIMEOUT = SHORT_TIMEOUT
    message, took, peak = _fetch_fails(hostile_server.url("/slow.xml"))
    assert "Délai dépassé" in message
    assert took < SHORT_TIMEOUT + 5, f"the slow source held the fetch for {took:.0f} s"
    assert peak < MEMORY_BOUND


def test_a_feed_that_never_ends_is_cut_at_the_size_limit(hostile_server):
    message, took, peak = _fetch_fails(hostile_server.url("/endless.xml"))
    assert "trop grosse" in message
    assert took < TIME_BOUND
    assert peak < MEMORY_BOUND, f"peak {peak / MB:.0f} MB"


def test_a_100_mb_body_announced_by_content_length_is_refused_before_reading(hostile_server):
    message, took, peak = _fetch_fails(hostile_server.url("/huge.xml"))
    assert "trop grosse" in message and str(100 * MB) in message
    assert took < 5
    assert peak < MEMORY_BOUND


def test_a_100_mb_body_without_length_stops_at_the_limit(hostile_server):
    message, took, peak = _fetch_fails(hostile_server.url("/huge-unsized.xml"))
    assert "trop grosse" in message
    assert took < TIME_BOUND
    assert peak < MEMORY_BOUND, f"peak {peak / MB:.0f} MB"


@pytest.mark.parametrize("path", ["/loop", "/loop-a"])
def test_a_redirect_loop_ends_with_too_many_redirects(hostile_server, path):
    message, took, _ = _fetch_fails(hostile_server.url(path))
    assert "Trop de redirections" in message
    assert took < 5
    assert hostile_server.hits("/loop") + hostile_server.hits("/loop-a") + hostile_server.hits("/loop-b") <= (
        fetching.MAX_REDIRECTS + 1
    )


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_to_a_private_address_is_refused_without_connecting(hostile_server, settings, monkeypatch, path):
    # Production refuses private addresses. In this test loopback plays "the public internet" (the only
    # network a test may use); 10.0.0.0/8 and 169.254.0.0/16 stay private, as in production.
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    real_check = fetching.address_is_public
    monkeypatch.setattr(fetching, "address_is_public", lambda address: address == "127.0.0.1" or real_check(address))
    message, took, _ = _fetch_fails(hostile_server.url(path))
    assert "Adresse refusée" in message
    assert took < 2, "the fetch tried to connect to the private address"


def test_loopback_itself_is_refused_in_production(hostile_server, settings):
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    message, _, _ = _fetch_fails(hostile_server.url("/hang.xml"))
    assert "Adresse refusée" in message
    assert hostile_server.hits("/hang.xml") == 0


def test_a_gzip_bomb_stops_at_the_limit_with_bounded_memory(hostile_server):
    hostile_server.enable_gzip_bomb()
    message, took, peak = _fetch_fails(hostile_server.url("/gzip-bomb.xml"))
    assert "trop grosse" in message
    assert took < TIME_BOUND
    assert peak < MEMORY_BOUND, f"peak {peak / MB:.0f} MB while inflating the bomb"
