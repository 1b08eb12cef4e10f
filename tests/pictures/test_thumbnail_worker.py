"""A thumbnail made by a real Celery worker process, from a picture on a real local HTTP server."""

from __future__ import annotations

import pytest

from newsroom.celery import app
from pictures.models import Thumbnail
from pictures.tasks import make_thumbnail
from tests.builders import make_article
from tests.helpers import celery_worker, wait_until
from tests.pictures.builders import jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def _made_by_a_worker(broker_url: str, httpserver, tmp_path, **transport_options) -> Thumbnail:
    httpserver.expect_request("/photo.jpg").respond_with_data(jpeg(), content_type="image/jpeg")
    article = make_article(image=httpserver.url_for("/photo.jpg"))
    media = tmp_path / "media"
    env = {"NEWSROOM_MEDIA_ROOT": str(media), "NEWSROOM_ALLOW_PRIVATE_FETCH": "1"}
    broker_dir = str(tmp_path) if broker_url.startswith("filesystem://") else None
    with celery_worker(broker_url, broker_dir=broker_dir, env=env) as worker:
        with app.connection_for_write(broker_url, transport_options=transport_options or None) as conn:
            make_thumbnail.apply_async(args=[article.pk], connection=conn)
        wait_until(
            lambda: Thumbnail.objects.filter(article=article, status="ready").exists() or worker.poll() is not None,
            timeout=60,
            message="the worker never made the thumbnail",
        )
        assert worker.poll() is None, "the worker died"
    thumb = Thumbnail.objects.get(article=article)
    assert (media / thumb.folder / "card.webp").is_file()
    return thumb


def test_a_real_worker_makes_the_thumbnail_on_the_redis_broker(redis_broker_url, httpserver, tmp_path):
    _made_by_a_worker(redis_broker_url, httpserver, tmp_path)


def test_a_real_worker_makes_the_thumbnail_on_the_embedded_broker(httpserver, tmp_path):
    folders = {name: str(tmp_path / folder) for name, folder in (
        ("data_folder_in", "queue"), ("data_folder_out", "queue"), ("processed_folder", "processed"),
        ("control_folder", "control"),
    )}  # fmt: skip
    for folder in set(folders.values()):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    _made_by_a_worker("filesystem://", httpserver, tmp_path, **folders)
