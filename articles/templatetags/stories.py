"""Template helpers for stories: summaries as safe HTML, titles in the "Commune : titre" style, and a
story's tags as loaded with it."""

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


@register.filter
def tags(article, name: str):
    """The story's "communes" or "sections": those loaded with it (``articles.cards``) without making a
    queryset per story, else ``article.<name>.all()``."""
    from articles.cards import loaded_tags  # cards renders templates that load this library

    found = loaded_tags(article, name)
    return getattr(article, name).all() if found is None else found
