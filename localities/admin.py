from __future__ import annotations

from django.contrib import admin, messages

from localities.models import GAZETTEER, Alias, Commune, Revision


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["phrase", "kind", "weight", "enabled"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee", "postal_codes", "population"]
    search_fields = ["name", "insee", "postal_codes"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]


@admin.action(description="Activer les alias sélectionnés", permissions=["change"])
def enable_aliases(modeladmin, request, queryset):
    _set_enabled(modeladmin, request, queryset, True)


@admin.action(description="Désactiver les alias sélectionnés", permissions=["change"])
def disable_aliases(modeladmin, request, queryset):
    _set_enabled(modeladmin, request, queryset, False)


def _set_enabled(modeladmin, request, queryset, enabled: bool) -> None:
    count = queryset.update(enabled=enabled)
    # .update() sends no signal: tell the running classifiers themselves.
    Revision.bump(GAZETTEER)
    state = "activé(s)" if enabled else "désactivé(s)"
    modeladmin.message_user(request, f"{count} alias {state}.", messages.SUCCESS)


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["phrase", "commune", "kind", "weight", "enabled"]
    list_editable = ["weight", "enabled"]
    list_filter = ["kind", "enabled", "commune"]
    list_select_related = ["commune"]
    search_fields = ["phrase", "commune__name"]
    autocomplete_fields = ["commune"]
    actions = [enable_aliases, disable_aliases]
