"""The two desk roles, as auth groups.

"Éditeurs" tag, hide and feature stories, keep sources running and manage what the classifier
reads (aliases, rules, candidates). They never delete a source and never manage accounts.
"Administrateurs" can do everything.

Migration ``editors_roles`` creates the groups. Models added later (an app's new migration) get
their permissions after that migration ran, so a post_migrate handler grants them too; it also
puts the groups back after a ``flush``.
"""

from __future__ import annotations

from django.db.models.signals import post_migrate

EDITORS = "Éditeurs"
ADMINISTRATORS = "Administrateurs"

ALL = ("view", "add", "change", "delete")
# app label -> model name -> actions.
EDITOR_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "articles": {
        "article": ("view", "change"),
        "articlecommune": ALL,
        "articlesection": ALL,
        "section": ("view",),
        "sectionrule": ALL,
        "candidate": ALL,
        "source": ("view", "add", "change"),
        "fetchlog": ("view",),
        # The desk teaches the classifier: editors read examples, activate models and decide on suggestions.
        "trainingexample": ("view",),
        "classifiermodel": ("view", "change"),
        "aliassuggestion": ("view", "change"),
        # Editors merge events, split a version out and choose the lead; the log is read-only.
        "cluster": ("view", "change"),
        "clusteraction": ("view",),
    },
    "localities": {"commune": ("view",), "alias": ALL},
    # Editors set election dates and import the ministry's files; results change only by import.
    "elections": {
        "election": ("view", "add", "change"),
        "round": ALL,
        "person": ("view", "change"),
        "candidacy": ("view", "change"),
        "result": ("view",),
        "listresult": ("view",),
        "importjob": ("view",),
    },
    "admin": {"logentry": ("view",)},
}


def editor_codenames() -> set[tuple[str, str]]:
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def sync_roles(apps, using: str = "default") -> None:
    """Create both groups if needed and give them their permissions. Adds, never removes."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).select_related("content_type")
    wanted = editor_codenames()
    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    administrators, _ = Group.objects.using(using).get_or_create(name=ADMINISTRATORS)
    editors.permissions.add(*[p for p in permissions if (p.content_type.app_label, p.codename) in wanted])
    administrators.permissions.add(*permissions)


def _sync_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs) -> None:
    # Once per migrate (or flush) is enough: on the articles app's signal.
    if app_config is None or app_config.label != "articles" or apps is None:
        return
    try:
        apps.get_model("auth", "Group")
    except LookupError:
        return
    sync_roles(apps, using=using)


post_migrate.connect(_sync_after_migrate, dispatch_uid="articles.admin.roles.sync")
