from django.contrib import admin

from articles.models import (
    Article,
    ArticleCommune,
    ArticleSection,
    Candidate,
    FetchLog,
    Section,
    SectionRule,
    Source,
    WorkerHeartbeat,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "last_success_at", "error_count", "next_check_at", "needs_attention"]
    list_filter = ["kind", "enabled", "needs_attention"]
    search_fields = ["name", "url", "feed_url"]


class ArticleCommuneInline(admin.TabularInline):
    model = ArticleCommune
    extra = 0
    autocomplete_fields = ["commune"]


class ArticleSectionInline(admin.TabularInline):
    model = ArticleSection
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published", "status", "confidence"]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    search_fields = ["title"]
    date_hierarchy = "published"
    inlines = [ArticleCommuneInline, ArticleSectionInline]


@admin.register(SectionRule)
class SectionRuleAdmin(admin.ModelAdmin):
    list_display = ["section", "kind", "phrase", "weight", "enabled"]
    list_filter = ["section", "kind", "enabled"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "list_name", "party", "enabled"]
    list_filter = ["commune", "enabled"]
    search_fields = ["name", "list_name"]


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = ["source", "started", "outcome", "status_code", "new", "updated", "unchanged", "duration_ms"]
    list_filter = ["outcome"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "hostname", "last_seen"]
