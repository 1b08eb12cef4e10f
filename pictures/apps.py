from __future__ import annotations

from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "pictures"
    verbose_name = "Images et territoire"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        # The desk's index starts with "Communes silencieuses" and quiet sources (pictures.coverage).
        admin.site.index_template = "pictures/admin_index.html"
