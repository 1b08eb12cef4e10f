from __future__ import annotations

from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "elections"
    verbose_name = "Élections"

    def ready(self) -> None:
        from articles.demo import demo_starting
        from elections.demo import load_demo_election

        # `make run` announces the demo; articles knows nothing of elections, so we listen.
        demo_starting.connect(load_demo_election, dispatch_uid="elections_demo")
