"""The articles desk: list, filters, bulk actions, and a change form whose tag edits are sticky."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.urls import path
from django.utils import timezone

from articles.admin import article_actions, review
from articles.admin.filters import CommuneFilter, ReviewFilter, SectionFilter
from articles.classify import examples
from articles.models import Article, ArticleCommune, ArticleSection
from articles.models.tags import Origin

# Editing these by hand means the source's version is wrong: the next poll must not bring it back.
UPSTREAM_FIELDS = {"title", "summary", "url", "image", "published"}


class TagInline(admin.TabularInline):
    extra = 0
    readonly_fields = ["provenance"]
    tag_field = ""

    def get_fields(self, request, obj=None):
        return [self.tag_field, "provenance"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.tag_field, "editor")

    @admin.display(description="provenance")
    def provenance(self, tag) -> str:
        return tag.provenance() if tag.pk else "éditeur (à l’enregistrement)"


class ArticleCommuneInline(TagInline):
    model = ArticleCommune
    tag_field = "commune"
    autocomplete_fields = ["commune"]


class ArticleSectionInline(TagInline):
    model = ArticleSection
    tag_field = "section"
    autocomplete_fields = ["section"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "source", "published", "commune_list", "section_list", "status", "confidence_percent"]
    list_filter = [ReviewFilter, CommuneFilter, SectionFilter, "source", "status", "locked"]
    list_select_related = ["source"]
    list_per_page = 50
    search_fields = ["title", "url"]
    date_hierarchy = "published"
    actions = article_actions.ACTIONS
    inlines = [ArticleCommuneInline, ArticleSectionInline]
    autocomplete_fields = ["excluded_communes", "excluded_sections"]
    readonly_fields = ["source", "guid", "raw_date", "categories", "fetched", "updated", "confidence"]
    fieldsets = [
        (None, {"fields": ["title", "url", "source", "published", "summary", "image"]}),
        ("Bureau", {"fields": ["status", "locked", "needs_review", "confidence"]}),
        (
            "Étiquettes écartées",
            {
                "fields": ["excluded_communes", "excluded_sections"],
                "description": "Le classement automatique ne remet jamais ces communes et rubriques.",
            },
        ),
        ("Origine", {"classes": ["collapse"], "fields": ["guid", "raw_date", "categories", "fetched", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communes", "sections")

    def has_add_permission(self, request) -> bool:
        return False  # articles come from sources, never typed in

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("a-verifier/", view(review.queue(self)), name="articles_article_review"),
            path("a-verifier/<int:pk>/", view(review.decide(self)), name="articles_article_review_decide"),
            *super().get_urls(),
        ]

    @admin.display(description="communes")
    def commune_list(self, article: Article) -> str:
        return ", ".join(c.name for c in article.communes.all()) or "—"

    @admin.display(description="rubriques")
    def section_list(self, article: Article) -> str:
        return ", ".join(s.name for s in article.sections.all()) or "—"

    @admin.display(description="confiance", ordering="confidence")
    def confidence_percent(self, article: Article) -> str:
        return f"{article.confidence:.0%}"

    def save_model(self, request, obj, form, change):
        if change and UPSTREAM_FIELDS & set(form.changed_data):
            before = Article.objects.get(pk=obj.pk)
            if keep_upstream_unless_edited(before, obj) and not obj.locked:
                obj.locked = True
                messages.info(request, "Article verrouillé : la source ne remplacera plus vos corrections.")
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model not in (ArticleCommune, ArticleSection):
            return super().save_formset(request, form, formset, change)
        save_editor_tags(form.instance, formset, request.user)
        return None


def keep_upstream_unless_edited(before: Article, after: Article) -> list[str]:
    """The upstream fields the editor really changed; the others keep the source's exact value.

    A form round trip is not an edit: the date widget drops microseconds and browsers send
    textarea line breaks as CRLF. Locking the article for that would stop its updates for nothing.
    """
    edited = []
    for name in sorted(UPSTREAM_FIELDS):
        old, new = getattr(before, name), getattr(after, name)
        if name == "published":
            same = abs((new - old).total_seconds()) < 1
        else:
            same = str(new).replace("\r\n", "\n").strip() == str(old).replace("\r\n", "\n").strip()
        if same:
            setattr(after, name, old)
        else:
            edited.append(name)
    return edited


def save_editor_tags(article: Article, formset, editor) -> None:
    """Tags added or changed in the form become the editor's; tags taken off stay off."""
    key = "commune" if formset.model is ArticleCommune else "section"
    excluded = article.excluded_communes if key == "commune" else article.excluded_sections
    instances = formset.save(commit=False)
    for tag in formset.deleted_objects:
        excluded.add(getattr(tag, f"{key}_id"))
        tag.delete()
    for tag_form in formset.initial_forms:
        if key in tag_form.changed_data and not formset._should_delete_form(tag_form):
            excluded.add(tag_form.initial[key])
    for tag in instances:
        tag.origin, tag.editor, tag.created = Origin.EDITOR, editor, timezone.now()
        tag.rule = tag.field = tag.phrase = ""
        tag.save()
        excluded.remove(getattr(tag, f"{key}_id"))
    if instances or formset.deleted_objects:
        # A change in the form is a correction the classifier learns from, as with the desk's other tools.
        added = [tag.commune for tag in instances] if key == "commune" else []
        examples.record([article.pk], editor, correction=True, commune=added[0] if len(added) == 1 else None)
