from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Abonnements"

    def ready(self) -> None:
        from subscriptions.roles import grant_editor_views

        post_migrate.connect(grant_editor_views, dispatch_uid="subscriptions_editor_views")
