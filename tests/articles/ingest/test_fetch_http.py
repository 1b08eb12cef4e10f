"""Fetch behaviour against a real local HTTP server, through poll_source."""

from __future__ import annotations

import gzip
import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from articles.ingest import fetch as fetch_module
from articles.ingest.fetch import BlockedAddress, FetchError, fetch
from articles.ingest.poll import poll_source
from articles.models import Article, FetchLog, Source
from tests.builders import make_feed_source, simple_feed

pytestmark = pytest.mark.django_db


def test_it_sends_a_user_agent_naming_newsroom_and_a_contact_url(httpserver, settings):
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1), content_type="application/rss+xml")
    source = make_feed_source(httpserver.url_for("/feed"))
    poll_source(source.id)
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert "Newsroom" in agent and settings.NEWSROOM_CONTACT_URL in agent


def test_a_304_costs_no_parse_and_keeps_the_stories(httpserver):
    body = simple_feed(3)
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_request("/feed").respond_with_data(body, headers={"ETag": '"v1"'})
    source = make_feed_source(httpserver.url_for("/feed"))

    assert poll_source(source.id).new == 3
    source.refresh_from_db()
    assert source.etag == '"v1"'
    result = poll_source(source.id, force=True)

    assert result.status == "not_modified"
    assert Article.objects.filter(source=source).count() == 3
    assert FetchLog.objects.filter(source=source, outcome="not_modified").count() == 1


def test_it_sends_if_modified_since_from_the_last_modified_header(httpserver):
    stamp = "Tue, 10 Mar 2026 10:00:00 GMT"
    httpserver.expect_request("/feed", headers={"If-Modified-Since": stamp}).respond_with_data("", status=304)
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1), headers={"Last-Modified": stamp})
    source = make_feed_source(httpserver.url_for("/feed"))
    poll_source(source.id)
    assert poll_source(source.id, force=True).status == "not_modified"


def test_an_unchanged_body_without_validators_is_skipped_by_its_hash(httpserver):
    httpserver.expect_request("/feed").respond_with_data(simple_feed(2))
    source = make_feed_source(httpserver.url_for("/feed"))
    poll_source(source.id)
    result = poll_source(source.id, force=True)
    assert result.status == "not_modified"
    assert FetchLog.objects.filter(source=source, outcome="not_modified", bytes__gt=0).exists()


def test_a_failed_parse_keeps_the_last_good_validators(httpserver):
    source = make_feed_source(httpserver.url_for("/feed"))
    httpserver.expect_oneshot_request("/feed").respond_with_data(simple_feed(1), headers={"ETag": '"good"'})
    poll_source(source.id)
    httpserver.expect_oneshot_request("/feed").respond_with_data(b"<html>oops", headers={"ETag": '"bad"'})
    result = poll_source(source.id, force=True)
    source.refresh_from_db()
    assert result.status == "error"
    assert source.etag == '"good"'
    assert "pas un flux" in source.last_error


def test_a_301_updates_the_stored_feed_url(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(simple_feed(2))
    source = make_feed_source(httpserver.url_for("/old"))
    assert poll_source(source.id).new == 2
    source.refresh_from_db()
    assert source.feed_url == httpserver.url_for("/new")


def test_a_302_is_followed_without_changing_the_stored_url(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=302, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(simple_feed(1))
    source = make_feed_source(httpserver.url_for("/old"))
    assert poll_source(source.id).new == 1
    source.refresh_from_db()
    assert source.feed_url == httpserver.url_for("/old")


def test_more_than_five_redirects_is_an_error(httpserver):
    for hop in range(7):
        httpserver.expect_request(f"/r{hop}").respond_with_data("", status=302, headers={"Location": f"/r{hop + 1}"})
    source = make_feed_source(httpserver.url_for("/r0"))
    result = poll_source(source.id)
    assert result.status == "error" and "redirections" in result.error
    assert len(httpserver.log) == 6


def test_a_429_backs_off_at_least_as_long_as_retry_after(httpserver):
    httpserver.expect_request("/feed").respond_with_data("slow down", status=429, headers={"Retry-After": "7200"})
    source = make_feed_source(httpserver.url_for("/feed"))
    before = timezone.now()
    result = poll_source(source.id)
    source.refresh_from_db()
    assert result.status == "error"
    assert source.last_status == 429 and source.error_count == 1
    assert "429" in source.last_error
    assert source.next_check_at >= before + timedelta(seconds=7200)
    assert source.next_check_at <= before + timedelta(seconds=7200 * 1.2 + 5)


def test_a_server_that_never_answers_times_out_with_a_clear_error(settings):
    settings.NEWSROOM_FETCH_TOTAL_TIMEOUT = 1
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    try:
        source = make_feed_source(f"http://127.0.0.1:{listener.getsockname()[1]}/feed")
        result = poll_source(source.id)
    finally:
        listener.close()
    assert result.status == "error"
    assert "Délai" in result.error


def test_an_oversize_body_is_aborted_with_a_clear_error(httpserver):
    body = b"<rss>" + b"x" * (15 * 1024 * 1024 + 10)
    httpserver.expect_request("/big").respond_with_data(body)
    source = make_feed_source(httpserver.url_for("/big"))
    result = poll_source(source.id)
    assert result.status == "error" and "trop grosse" in result.error


def test_a_gzip_bomb_is_stopped_at_the_limit_after_decompression(httpserver):
    bomb = gzip.compress(b"\0" * (40 * 1024 * 1024))
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="trop grosse"):
        fetch(httpserver.url_for("/bomb"))


def test_a_gzipped_feed_is_accepted(httpserver):
    httpserver.expect_request("/feed", headers={"Accept-Encoding": "gzip, deflate"}).respond_with_response(
        Response(gzip.compress(simple_feed(4)), headers={"Content-Encoding": "gzip"})
    )
    source = make_feed_source(httpserver.url_for("/feed"))
    assert poll_source(source.id).new == 4


def test_loopback_is_refused_without_the_private_fetch_setting(httpserver, settings):
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    source = make_feed_source(httpserver.url_for("/feed"))
    result = poll_source(source.id)
    assert result.status == "error" and "refusée" in result.error
    assert httpserver.log == []
    assert Source.objects.get(pk=source.pk).last_error.startswith("Adresse refusée")


def test_a_name_resolving_to_loopback_is_refused_on_the_connected_address(httpserver, settings):
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    httpserver.expect_request("/feed").respond_with_data(simple_feed(1))
    with pytest.raises(BlockedAddress, match="localhost"):
        fetch(f"http://localhost:{httpserver.port}/feed")
    assert httpserver.log == []


def test_private_and_metadata_addresses_are_refused_before_connecting(settings):
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    for url in ("http://10.0.0.1/admin", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/"):
        with pytest.raises(BlockedAddress):
            fetch_module.check_url(url)


def test_each_redirect_hop_is_checked_again(httpserver, settings, monkeypatch):
    # The only stand-in: the local test server must count as "public" for the first hop.
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    real = fetch_module.address_is_public
    monkeypatch.setattr(fetch_module, "address_is_public", lambda address: address == "127.0.0.1" or real(address))
    httpserver.expect_request("/feed").respond_with_data("", status=302, headers={"Location": "http://10.1.2.3/x"})
    with pytest.raises(BlockedAddress, match="10.1.2.3"):
        fetch(httpserver.url_for("/feed"))
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/", "javascript:alert(1)"])
def test_only_http_and_https_schemes_are_fetched(url):
    with pytest.raises(BlockedAddress, match="http"):
        fetch(url)


def test_a_410_disables_the_source_with_the_reason(httpserver):
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    source = make_feed_source(httpserver.url_for("/feed"))
    result = poll_source(source.id)
    source.refresh_from_db()
    assert result.status == "disabled"
    assert not source.enabled
    assert "410" in source.disabled_reason
