from django.contrib import admin

from localities.models import Commune


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee", "postal_codes", "population"]
    search_fields = ["name", "insee", "postal_codes"]
    prepopulated_fields = {"slug": ["name"]}
