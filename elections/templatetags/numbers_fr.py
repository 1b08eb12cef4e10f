"""Numbers written the French way: "1 480" and "61,57 %" (narrow no-break spaces, as Django's fr locale)."""

from __future__ import annotations

from django import template

register = template.Library()

THOUSANDS = "\u202f"
BEFORE_PERCENT = "\u202f"


@register.filter
def fr_int(value) -> str:
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", THOUSANDS)


@register.filter
def fr_pct(value, digits: int = 2) -> str:
    if value is None or value == "":
        return ""
    number = f"{float(value):,.{int(digits)}f}".replace(",", " ").replace(".", ",").replace(" ", THOUSANDS)
    return f"{number}{BEFORE_PERCENT}%"
