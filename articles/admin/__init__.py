"""The newsroom desk in the Django admin: one module per desk.

- ``article``: the articles list, its filters and bulk actions (``article_actions``), the change form.
- ``review``: the queue of articles "à vérifier".
- ``tagging``: editor tag changes that the classifier never undoes.
- ``sources``: sources with their health, fetch logs, polls and recipe tests.
- ``rules``: sections, section rules, candidates and aliases, with "reclassify" actions.
- ``roles``: the "Éditeurs" and "Administrateurs" groups.
- ``classifier``: editors' training examples, trained models (activate, roll back) and alias suggestions.
- ``clusters``: events (merge, split, choose the lead; the queue of uncertain matches) and their log.
"""

from __future__ import annotations

from django.contrib import admin

from articles.admin import article, classifier, clusters, roles, rules, sources  # noqa: F401  (registers the model admins and roles)
from articles.models import FetchLog, WorkerHeartbeat


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["source", "started", "outcome", "status_code", "new", "updated", "unchanged", "duration_ms"]
    list_filter = ["outcome", "source"]
    list_select_related = ["source"]
    date_hierarchy = "started"

    def has_add_permission(self, request) -> bool:
        return False  # written by polls only


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "hostname", "last_seen"]


rules.register_alias_admin()
