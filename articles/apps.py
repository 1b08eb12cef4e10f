from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from django.db.backends.postgresql.base import DatabaseWrapper

        from articles import signals

        signals.connect()
        # contrib.postgres's SearchVectorField is missing from the backend's type map, so Django's
        # bulk_create of articles falls back from UNNEST (one array per column) to one placeholder
        # per value, which is much slower to send and plan. The column is tsvector, filled by a trigger.
        DatabaseWrapper.data_types.setdefault("SearchVectorField", "tsvector")
