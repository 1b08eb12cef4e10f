"""What the classifier reads: sections, section rules, candidates and commune aliases.

Each has a "Reclasser les articles concernés" action: after an edit, the articles that mention the
phrase (or were tagged because of it) are classified again. Editor tags stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin, messages
from django.db.models import Q, QuerySet

from articles.admin import pipeline
from articles.models import Article, ArticleCommune, ArticleSection, Candidate, Section, SectionRule


def touched_articles(phrases: Iterable[str]) -> QuerySet[Article]:
    """Articles whose text mentions one of ``phrases``, or whose tags came from one of them."""
    query = Q(pk__in=[])
    for phrase in {p.strip() for p in phrases if p and p.strip()}:
        query |= Q(title__icontains=phrase) | Q(summary__icontains=phrase) | Q(categories__icontains=phrase)
        query |= Q(pk__in=ArticleCommune.objects.filter(phrase__iexact=phrase).values("article_id"))
        query |= Q(pk__in=ArticleSection.objects.filter(phrase__iexact=phrase).values("article_id"))
    return Article.objects.filter(query)


def reclassify_for(modeladmin, request, phrases: Iterable[str]) -> None:
    count = pipeline.reclassify(touched_articles(phrases))
    pipeline.bump_timelines(touched_articles(phrases).values_list("pk", flat=True))
    modeladmin.message_user(request, f"{count} article(s) concerné(s) reclassé(s).", messages.SUCCESS)


@admin.action(description="Reclasser les articles concernés", permissions=["change"])
def reclassify_rule_articles(modeladmin, request, queryset):
    reclassify_for(modeladmin, request, queryset.values_list("phrase", flat=True))


@admin.action(description="Reclasser les articles concernés", permissions=["change"])
def reclassify_candidate_articles(modeladmin, request, queryset):
    phrases = [p for c in queryset for p in (c.name, c.list_name)]
    reclassify_for(modeladmin, request, phrases)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SectionRule)
class SectionRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "section", "kind", "weight", "enabled"]
    list_filter = ["section", "kind", "enabled"]
    list_select_related = ["section"]
    search_fields = ["phrase"]
    actions = [reclassify_rule_articles]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "list_name", "party", "enabled"]
    list_filter = ["commune", "enabled"]
    list_select_related = ["commune"]
    search_fields = ["name", "list_name"]
    autocomplete_fields = ["commune"]
    actions = [reclassify_candidate_articles]


def register_alias_admin(site: admin.AdminSite = admin.site) -> None:
    """Give localities' alias admin the reclassify action, from this side of the import rule
    (localities knows nothing about articles)."""
    import localities.admin  # noqa: F401  (its own AliasAdmin must be registered first, to be extended)
    from localities.models import Alias

    base = type(site.get_model_admin(Alias))

    @admin.action(description="Reclasser les articles concernés", permissions=["change"])
    def reclassify_alias_articles(modeladmin, request, queryset):
        reclassify_for(modeladmin, request, queryset.values_list("phrase", flat=True))

    class AliasAdmin(base):
        actions = [*(base.actions or []), reclassify_alias_articles]

    site.unregister(Alias)
    site.register(Alias, AliasAdmin)
