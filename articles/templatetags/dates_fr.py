"""French dates for readers: "il y a 4 semaines", "hier à 19 h 20", "Aujourd’hui", "jeudi 26 novembre 2026".

Plain functions (used by the timelines to group stories by day) and the template filters built on them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def clock(moment: datetime) -> str:
    """French typographic time: 19 h 20."""
    return f"{moment.hour} h {moment.minute:02d}"


def long_date(day: date) -> str:
    """jeudi 26 novembre 2026 (1er for the first of the month, as French writes it)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def age(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, the way a French news site says it, without "il y a": "4 semaines", "3 h"."""
    zone = timezone.get_current_timezone()
    return _age(timezone.localtime(moment, zone), timezone.localtime(now, zone))


def _age(moment: datetime, now: datetime) -> str:
    """``age`` of two datetimes in the same (local) time zone."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "à l’instant"
    if seconds < 3600:
        return _plural(int(seconds // 60), "minute")
    if seconds < 86400 and moment.date() == now.date():
        return _plural(int(seconds // 3600), "heure")
    days = (now.date() - moment.date()).days
    if days < 7:
        return _plural(max(days, 1), "jour")
    if days < 30:
        return _plural(days // 7, "semaine")
    if days < 365:
        return _plural(days // 30, "mois", "mois")
    return _plural(days // 365, "an")


def relative_age(moment: datetime, now: datetime | None = None) -> str:
    """ "il y a 5 minutes", "il y a 3 heures", "hier à 19 h 20", "il y a 4 semaines"."""
    zone = timezone.get_current_timezone()
    return local_relative_age(timezone.localtime(moment, zone), timezone.localtime(now, zone))


def local_relative_age(local: datetime, now: datetime) -> str:
    """``relative_age`` of two datetimes in the same (local) time zone."""
    short = _age(local, now)
    if short == "à l’instant":
        return short
    if local.date() == now.date() - timedelta(days=1) and (now - local).total_seconds() >= 3600:
        return f"hier à {clock(local)}"
    return f"il y a {short}"


def day_label(day: date, today: date | None = None) -> str:
    """Heading of a day in a timeline: Aujourd’hui, Hier, then the date."""
    today = today or timezone.localdate()
    if day == today:
        return "Aujourd’hui"
    if day == today - timedelta(days=1):
        return "Hier"
    label = long_date(day)
    return label[0].upper() + label[1:]


def exact(moment: datetime) -> str:
    """jeudi 26 novembre 2026 à 19 h 20, for title attributes and the story page."""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())} à {clock(local)}"


@register.filter(name="relative_age")
def relative_age_filter(moment: datetime | None) -> str:
    return relative_age(moment) if moment else ""


@register.filter(name="age")
def age_filter(moment: datetime | None) -> str:
    return age(moment) if moment else ""


@register.filter(name="exact_date")
def exact_filter(moment: datetime | None) -> str:
    return exact(moment) if moment else ""
