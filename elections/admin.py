"""Editors' side: elections and their rounds, lists, results, and the ministry file upload."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from elections import upload
from elections.models import Candidacy, Election, ImportJob, ListResult, Person, Result, Round


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    max_num = 2


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slug", "created"]
    list_filter = ["kind"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [RoundInline]
    change_list_template = "elections/admin/election_changelist.html"

    def get_urls(self):
        view = self.admin_site.admin_view(upload.import_view)
        return [path("importer/", view, name="elections_election_import"), *super().get_urls()]


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["display_label", "commune", "panel", "head", "nuance_code", "election"]
    list_filter = ["election", "commune"]
    search_fields = ["label", "short_label", "head__last_name", "head__first_name"]
    list_select_related = ["commune", "head", "election"]
    autocomplete_fields = ["head"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sex"]
    search_fields = ["last_name", "first_name", "slug"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


class ListResultInline(admin.TabularInline):
    model = ListResult
    extra = 0
    fields = ["candidacy", "votes", "seats", "seats_cc", "elected"]
    raw_id_fields = ["candidacy"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["commune", "round", "registered", "voters", "expressed", "source_name", "imported"]
    list_filter = ["round__election", "commune"]
    list_select_related = ["commune", "round__election"]
    readonly_fields = ["warnings", "source_name", "imported"]
    inlines = [ListResultInline]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs come from the upload form, and say how their import went."""

    list_display = ["filename", "election", "round", "kind", "status", "created", "finished"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
