"""The newsroom desk in the Django admin (issue #6): one module per desk.

- ``stories``: the stories list, its filters and bulk actions (``story_actions``), the change form.
- ``review``: the queue of stories "à vérifier".
- ``tagging``: editor tag changes that the classifier never undoes.
- ``sources``: sources with their health, fetch logs, polls and recipe tests.
- ``rules``: sections, section rules, candidates and aliases, with "reclassify" actions.
- ``roles``: the "Éditeurs" and "Administrateurs" groups.
"""

from __future__ import annotations

from django.contrib import admin

from articles.admin import roles, rules, sources, stories  # noqa: F401  (registers the model admins and roles)
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
