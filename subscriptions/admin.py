"""Subscribers and what was sent to them.

Editors see both lists, read-only. Keywords are private: only an "Administrateur" reads them, and
only administrators export. Nobody edits an address or what was sent.
"""

from __future__ import annotations

import csv

from django.contrib import admin
from django.http import HttpResponse

from subscriptions.export import counts_per_commune, write_csv
from subscriptions.models import Delivery, Subscriber
from subscriptions.roles import is_administrator


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "hour", "confirmed", "bounces", "disabled", "created"]
    list_filter = ["frequency", "disabled", ("confirmed", admin.EmptyFieldListFilter), "communes"]
    search_fields = ["email"]
    date_hierarchy = "created"
    filter_horizontal = ["communes", "sections"]
    actions = ["export_csv"]

    def get_fields(self, request, obj=None):
        fields = ["email", "communes", "sections", "frequency", "hour", "created", "confirmed"]
        fields += ["cursor", "alert_cursor", "bounces", "disabled"]
        return [*fields[:3], "keywords", *fields[3:]] if is_administrator(request.user) else fields

    def get_readonly_fields(self, request, obj=None):
        # The address and the sending state belong to the subscriber and to the sender.
        return ["email", "created", "confirmed", "cursor", "alert_cursor", "bounces"]

    def has_add_permission(self, request) -> bool:
        return False  # only the double opt-in creates subscribers

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_administrator(request.user):
            actions.pop("export_csv", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "per_commune": counts_per_commune()}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description="Exporter les abonné·e·s confirmé·e·s (CSV)")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="abonnes.csv"'
        write_csv(csv.writer(response), queryset)
        return response


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscriber", "kind", "period", "status", "articles", "attempts", "created", "sent"]
    list_filter = ["status", "kind"]
    list_select_related = ["subscriber"]
    search_fields = ["subscriber__email", "period"]
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what was sent is never rewritten
