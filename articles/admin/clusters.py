"""The events desk: every event with its versions and history, the queue of uncertain matches, and the
editors' merge, split and choice of lead. Those three go through ``articles.clusters.edit``, which
pins the result and logs a ClusterAction; the desk shows that log on each event and as a list."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet

from articles.clusters import edit
from articles.models import Article, Cluster, ClusterAction


def _can_edit_events(request) -> bool:
    return request.user.has_perm("articles.change_cluster")


def _attempt(request, action, *args) -> bool:
    """Run an editor's action; a refusal (ValueError, in French) becomes an error message."""
    try:
        action(*args, request.user)
    except ValueError as refusal:
        messages.error(request, str(refusal))
        return False
    return True


# --- The events ---------------------------------------------------------------------------------


class VersionInline(admin.TabularInline):
    """The event's versions, read only: the form above moves them."""

    model = Article
    fk_name = "cluster"
    verbose_name = "version"
    verbose_name_plural = "versions (la plus ancienne d’abord)"
    fields = ["title", "source", "published", "status", "is_lead", "match_score", "cluster_pinned"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").order_by("published", "id")


class ActionInline(admin.TabularInline):
    """Who merged, split or chose the lead of this event, newest first."""

    model = ClusterAction
    fields = ["at", "kind", "article", "editor", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "editor")


class ClusterForm(forms.ModelForm):
    """The event's page: "à vérifier", and the editors' actions on it (applied on save, logged)."""

    lead_version = forms.ModelChoiceField(
        Article.objects.none(), required=False, label="Version principale", help_text="Elle reste choisie."
    )
    split_out = forms.ModelMultipleChoiceField(
        Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sortir de l’événement",
        help_text="Chaque version cochée devient un événement à elle seule, et y reste.",
    )
    merge_with = forms.IntegerField(
        required=False,
        min_value=1,
        label="Fusionner avec l’événement n°",
        help_text="Ses versions rejoignent celui-ci, et y restent.",
    )

    class Meta:
        model = Cluster
        fields = ["uncertain"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = Article.objects.filter(cluster=self.instance).select_related("source").order_by("published", "id")
        for name in ("lead_version", "split_out"):
            self.fields[name].queryset = versions
            self.fields[name].label_from_instance = lambda a: f"{a.source.name} — {a.title}"
        self.fields["lead_version"].initial = self.instance.lead_id

    def clean_merge_with(self) -> Cluster | None:
        pk = self.cleaned_data.get("merge_with")
        if pk is None:
            return None
        other = Cluster.objects.filter(pk=pk).first()
        if other is None or other.pk == self.instance.pk:
            raise forms.ValidationError("Choisissez un autre événement existant.")
        return other


class SizeFilter(admin.SimpleListFilter):
    title = "versions"
    parameter_name = "versions"

    def lookups(self, request, model_admin):
        return [("plusieurs", "Plusieurs versions"), ("une", "Une seule")]

    def queryset(self, request, queryset):
        if self.value() == "plusieurs":
            return queryset.filter(size__gt=1)
        if self.value() == "une":
            return queryset.filter(size__lte=1)
        return queryset


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """Events; filtered on "rapprochement incertain", the queue of matches to check."""

    form = ClusterForm
    list_display = ["event", "size", "first_published", "last_published", "uncertain", "lead_chosen"]
    list_filter = ["uncertain", SizeFilter, "lead_chosen"]
    list_select_related = ["lead__source"]
    list_per_page = 50
    search_fields = ["lead__title"]
    date_hierarchy = "first_published"
    readonly_fields = ["lead", "lead_chosen", "size", "first_published", "last_published", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["lead", "size", "first_published", "last_published", "uncertain"]}),
        ("Actions des éditeurs", {"fields": ["lead_version", "split_out", "merge_with"]}),
        ("Historique", {"classes": ["collapse"], "fields": ["lead_chosen", "created", "updated"]}),
    ]
    inlines = [VersionInline, ActionInline]
    actions = ["merge_selected", "mark_checked"]

    def has_add_permission(self, request) -> bool:
        return False  # events come from matching, merges and splits

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an event goes away when its last version leaves it

    @admin.display(description="événement", ordering="lead__title")
    def event(self, cluster: Cluster) -> str:
        if cluster.lead is None:
            return str(cluster)
        return f"{cluster.lead.title} ({cluster.lead.source.name})"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        apply_editor_actions(request, obj, form.cleaned_data)

    @admin.action(description="Fusionner les événements choisis", permissions=["change"])
    def merge_selected(self, request, queryset: QuerySet[Cluster]):
        chosen = list(queryset.order_by("first_published", "pk"))
        if len(chosen) < 2:
            self.message_user(request, "Choisissez au moins deux événements à fusionner.", messages.WARNING)
            return
        target, merged = chosen[0], 0
        for other in chosen[1:]:
            merged += _attempt(request, edit.merge, target, other)
        if merged:
            self.message_user(request, f"{merged} événement(s) fusionné(s) dans « {target} ».", messages.SUCCESS)

    @admin.action(description="Marquer comme vérifiés", permissions=["change"])
    def mark_checked(self, request, queryset: QuerySet[Cluster]):
        checked = list(queryset.filter(uncertain=True))
        Cluster.objects.filter(pk__in=[c.pk for c in checked]).update(uncertain=False)
        if checked:
            LogEntry.objects.log_actions(
                user_id=request.user.pk, queryset=checked, action_flag=CHANGE, change_message="Rapprochement vérifié."
            )
        self.message_user(request, f"{len(checked)} événement(s) vérifié(s).", messages.SUCCESS)


def apply_editor_actions(request, cluster: Cluster, data: dict) -> None:
    """The event form's actions, in order: merge another event in, choose the lead, split versions out."""
    if data.get("merge_with") and _attempt(request, edit.merge, cluster, data["merge_with"]):
        messages.success(request, f"Événement {data['merge_with'].pk} fusionné dans celui-ci.")
    lead = data.get("lead_version")
    if lead is not None and lead.pk != cluster.lead_id and lead not in data.get("split_out", []):
        edit.choose_lead(lead, request.user)
    for article in data.get("split_out", []):
        edit.split(article, request.user)


@admin.register(ClusterAction)
class ClusterActionAdmin(admin.ModelAdmin):
    """The log of the editors' merges, splits and choices of lead; written by the desk only."""

    list_display = ["at", "kind", "cluster", "article", "editor", "detail"]
    list_filter = ["kind", "editor"]
    list_select_related = ["cluster__lead", "article", "editor"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Actions of the articles list ---------------------------------------------------------------


@admin.action(description="Choisir comme version principale de son événement", permissions=["change"])
def choose_lead(modeladmin, request, queryset: QuerySet[Article]):
    if not _can_edit_events(request):
        modeladmin.message_user(request, "Vous ne pouvez pas modifier les événements.", messages.ERROR)
        return
    articles = list(queryset)
    clusters = [a.cluster_id for a in articles if a.cluster_id is not None]
    if len(clusters) != len(set(clusters)):
        modeladmin.message_user(request, "Choisissez une seule version par événement.", messages.ERROR)
        return
    for article in articles:
        edit.choose_lead(article, request.user)
    modeladmin.message_user(request, f"{len(articles)} version(s) principale(s) choisie(s).", messages.SUCCESS)


@admin.action(description="Sortir de son événement", permissions=["change"])
def split_out(modeladmin, request, queryset: QuerySet[Article]):
    if not _can_edit_events(request):
        modeladmin.message_user(request, "Vous ne pouvez pas modifier les événements.", messages.ERROR)
        return
    shared = [a for a in queryset.select_related("cluster") if a.cluster is not None and a.cluster.size > 1]
    for article in shared:
        edit.split(article, request.user)
    modeladmin.message_user(request, f"{len(shared)} article(s) sorti(s) de leur événement.", messages.SUCCESS)


ARTICLE_ACTIONS = [choose_lead, split_out]
