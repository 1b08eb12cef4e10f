"""``make_thumbnail(article_id)``: the one function the Celery task, the command and the tests call.

Find the picture (the feed's, else the article page's og:image for recent articles), fetch it once
with the ingest fetcher and its guards (private addresses refused, 10 MB, 20 s), convert it and
store our copies through Django's storage. A refused picture is final; a failed fetch may be tried
again, at most twice more.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from articles import cache as page_cache
from articles.ingest.fetch import BlockedAddress, FetchError, fetch
from articles.models import Article
from pictures.images import MAX_BYTES, ImageRefused, convert
from pictures.models import Thumbnail
from pictures.pages import og_image

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # the first try and at most two retries
PAGE_LOOKUP_MAX_AGE = timedelta(days=3)
PAGE_MAX_BYTES = 2 * 1024 * 1024


class TryLater(Exception):
    """A fetch that failed in a way that may pass (timeout, 5xx): the task retries."""


def make_thumbnail(article_id: int) -> Thumbnail | None:
    """Make the article's thumbnail if it has none yet. Returns its row, or None for no article."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    thumb, _ = Thumbnail.objects.get_or_create(article=article)
    if thumb.status in (Thumbnail.Status.READY, Thumbnail.Status.REFUSED, Thumbnail.Status.FAILED):
        return thumb
    thumb.attempts += 1
    try:
        url = thumb.source_url or find_image_url(article)
        thumb.source_url = url
        if not url:
            return _finish(thumb, Thumbnail.Status.REFUSED, "Aucune image dans le flux ni dans la page.")
        converted = convert(_download(url, MAX_BYTES))
    except ImageRefused as exc:
        logger.info("thumbnail of article %s refused: %s", article_id, exc)
        return _finish(thumb, Thumbnail.Status.REFUSED, str(exc))
    except TryLater as exc:
        if thumb.attempts >= MAX_ATTEMPTS:
            logger.warning("thumbnail of article %s abandoned after %d attempts: %s", article_id, thumb.attempts, exc)
            return _finish(thumb, Thumbnail.Status.FAILED, str(exc))
        thumb.error = str(exc)
        thumb.save(update_fields=["attempts", "error", "source_url", "updated"])
        raise
    except Exception as exc:  # a bug costs this picture, never the worker
        logger.exception("thumbnail of article %s failed unexpectedly", article_id)
        return _finish(thumb, Thumbnail.Status.FAILED, f"Erreur interne : {exc.__class__.__name__}: {exc}"[:1000])
    digest = hashlib.sha256(b"".join(converted.files.values())).hexdigest()[:24]
    thumb.folder = f"vignettes/{digest[:2]}/{digest}"
    for name, data in converted.files.items():
        path = f"{thumb.folder}/{name}"
        if not default_storage.exists(path):  # same picture, same name: content-addressed files
            default_storage.save(path, ContentFile(data))
    thumb.width, thumb.height = converted.width, converted.height
    return _finish(thumb, Thumbnail.Status.READY, "")


def find_image_url(article: Article) -> str:
    """The feed's picture; else, for an article under 3 days old, its page's og:image."""
    if article.image:
        return article.image
    if not article.url or timezone.now() - article.published > PAGE_LOOKUP_MAX_AGE:
        return ""
    try:
        response = fetch(article.url, max_bytes=PAGE_MAX_BYTES)
    except BlockedAddress as exc:
        raise ImageRefused(str(exc)) from None
    except FetchError as exc:
        raise _fetch_failure(exc) from None
    if "html" not in response.headers.get("content-type", "text/html"):
        return ""
    return og_image(response.body, response.url)


def _download(url: str, max_bytes: int) -> bytes:
    try:
        response = fetch(url, max_bytes=max_bytes)
    except BlockedAddress as exc:
        raise ImageRefused(str(exc)) from None
    except FetchError as exc:
        raise _fetch_failure(exc) from None
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and not kind.startswith("image/") and kind != "application/octet-stream":
        raise ImageRefused(f"Image refusée : le serveur annonce {kind}, pas une image.")
    return response.body


def _fetch_failure(exc: FetchError) -> Exception:
    text = str(exc)
    if "trop grosse" in text:
        return ImageRefused(f"Image refusée : {text}")
    if exc.status is not None and 400 <= exc.status < 500 and exc.status not in (408, 429):
        return ImageRefused(f"Image introuvable : {text}")
    return TryLater(text)


def _finish(thumb: Thumbnail, status: str, error: str) -> Thumbnail:
    thumb.status = status
    thumb.error = error[:1000]
    with transaction.atomic():
        thumb.save()
        if status == Thumbnail.Status.READY:
            # Cached pages show the new picture at once.
            page_cache.changed(articles=[thumb.article_id])
    return thumb
