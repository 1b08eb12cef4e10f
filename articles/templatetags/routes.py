"""``{% route name arg… %}``: ``{% url %}`` for the site's own pages, each address reversed once per process.

Pages link to every commune and section (navigation, cards): reversing each of them on every render
cost more than the rest of the page's navigation. An address depends only on the route, its
arguments, the URLconf and the script prefix, which are all in the memo's key.
"""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_MEMO_SIZE = 4096


class _Routes:
    memo: dict[tuple, str] = {}


@register.simple_tag
def route(name: str, *args) -> str:
    """The address of route ``name`` with ``args``, as ``{% url name args %}`` writes it."""
    key = (name, args, get_script_prefix(), get_urlconf())
    found = _Routes.memo.get(key)
    if found is None:
        if len(_Routes.memo) >= _MEMO_SIZE:
            _Routes.memo.clear()
        found = _Routes.memo[key] = reverse(name, args=args)
    return found
