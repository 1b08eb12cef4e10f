from __future__ import annotations

from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "pictures"
    verbose_name = "Images et territoire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from articles.ingest.store import articles_inserted
        from pictures.tasks import queue_thumbnails

        # Thumbnails are a separate task per new article, queued once the poll commits.
        articles_inserted.connect(
            lambda sender, articles, **kwargs: queue_thumbnails(articles),
            weak=False,
            dispatch_uid="pictures.thumbnails",
        )
        # The desk's index starts with "Communes silencieuses" and quiet sources (pictures.coverage).
        admin.site.index_template = "pictures/admin_index.html"
