from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from articles import bulk, signals

        signals.connect()
        bulk.register_search_vector_type()  # articles' bulk_create by UNNEST on PostgreSQL (see bulk.py)
