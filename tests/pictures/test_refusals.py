"""Pictures we refuse: each is logged, the article simply has no picture, and nothing is retried."""

from __future__ import annotations

import logging

import pytest

from articles.ingest import fetch as fetch_module
from pictures.images import ImageRefused, convert
from pictures.models import Thumbnail
from pictures.thumbnails import make_thumbnail
from tests.builders import make_article
from tests.pictures.builders import animated_gif, jpeg, png_bomb, svg

pytestmark = pytest.mark.django_db


def _refused(httpserver, media, caplog, body: bytes, content_type: str) -> Thumbnail:
    httpserver.expect_request("/image").respond_with_data(body, content_type=content_type)
    article = make_article(image=httpserver.url_for("/image"))
    with caplog.at_level(logging.INFO, logger="pictures.thumbnails"):
        thumb = make_thumbnail(article.pk)
    assert thumb.status == Thumbnail.Status.REFUSED
    assert not media.exists() or not any(media.rglob("*.*"))
    assert any("refused" in record.getMessage() for record in caplog.records)
    # Refused is final: another delivery of the task fetches nothing.
    requests = len(httpserver.log)
    assert make_thumbnail(article.pk).status == Thumbnail.Status.REFUSED
    assert len(httpserver.log) == requests
    return thumb


def test_a_text_file_is_refused_by_its_content_type(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, b"bonjour, je ne suis pas une image", "text/plain")
    assert "text/plain" in thumb.error


def test_a_text_file_dressed_as_a_jpeg_is_refused_by_its_bytes(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, b"bonjour, je ne suis pas une image", "image/jpeg")
    assert "pas une image lisible" in thumb.error


def test_a_png_whose_header_claims_gigapixels_is_refused_before_decoding(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, png_bomb(), "image/png")
    assert "pixels" in thumb.error


def test_an_svg_is_refused(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, svg(), "image/svg+xml")
    assert "SVG" in thumb.error


def test_an_animation_over_the_pixel_limit_in_all_is_refused(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, animated_gif(), "image/gif")
    assert "animation de 12 images" in thumb.error


def test_a_file_over_10_mb_is_refused_without_being_read_in_full(httpserver, media, caplog):
    thumb = _refused(httpserver, media, caplog, b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024 + 10), "image/jpeg")
    assert "trop grosse" in thumb.error


def test_a_redirect_to_a_private_address_is_refused(httpserver, media, settings, monkeypatch, caplog):
    # As in the fetcher's own tests: the local server must count as public for the first hop.
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    real = fetch_module.address_is_public
    monkeypatch.setattr(fetch_module, "address_is_public", lambda address: address == "127.0.0.1" or real(address))
    httpserver.expect_request("/image").respond_with_data("", status=302, headers={"Location": "http://10.1.2.3/x.jpg"})
    article = make_article(image=httpserver.url_for("/image"))
    with caplog.at_level(logging.INFO, logger="pictures.thumbnails"):
        thumb = make_thumbnail(article.pk)
    assert thumb.status == Thumbnail.Status.REFUSED and "10.1.2.3" in thumb.error
    assert len(httpserver.log) == 1


def test_a_loopback_picture_is_refused_unless_private_fetches_are_allowed(httpserver, media, settings):
    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = False
    httpserver.expect_request("/image").respond_with_data(jpeg(), content_type="image/jpeg")
    article = make_article(image=httpserver.url_for("/image"))
    assert make_thumbnail(article.pk).status == Thumbnail.Status.REFUSED
    assert httpserver.log == []

    settings.NEWSROOM_ALLOW_PRIVATE_FETCH = True
    other = make_article(image=httpserver.url_for("/image"))
    assert make_thumbnail(other.pk).status == Thumbnail.Status.READY


def test_convert_checks_the_pixel_limit_before_decoding():
    with pytest.raises(ImageRefused, match="mégapixels|pixels"):
        convert(png_bomb(20_000, 20_001))
