"""Editors may see subscribers and what was sent to them; only administrators change or export.

The groups and the administrators' rights come from ``articles.admin.roles``; this app only adds the
editors' "view" rights on its own models.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

EDITORS = "Éditeurs"
ADMINISTRATORS = "Administrateurs"


def is_administrator(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists())


def grant_editor_views(sender, using: str = "default", **kwargs) -> None:
    if sender.name != "subscriptions":
        return
    views = Permission.objects.using(using).filter(
        content_type__app_label="subscriptions", codename__in=["view_subscriber", "view_delivery"]
    )
    for group in Group.objects.using(using).filter(name=EDITORS):
        group.permissions.add(*views)
