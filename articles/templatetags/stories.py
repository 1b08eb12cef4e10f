"""Template helpers for stories: summaries as safe HTML, and titles in the "Commune : titre" style."""

from __future__ import annotations

import re

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_PLACE_FIRST = re.compile(r"^[^:]{2,40}\u00a0?: ")


@register.filter
def clean_html(html: str) -> SafeString:
    """The summary as HTML. Ingest cleaned it with nh3 already; cleaning again costs microseconds and
    keeps the page safe from a summary edited by hand or stored by an older ingest."""
    return mark_safe(nh3.clean(html or "", link_rel="noopener noreferrer nofollow"))


@register.filter
def with_commune(title: str, commune) -> str:
    """ "Sète : titre", unless the source already wrote the commune first."""
    if not commune or title.casefold().startswith(commune.name.casefold()):
        return title
    return f"{commune.name} : {title}"
