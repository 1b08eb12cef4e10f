"""French dates as scraped pages write them, absolute or relative to the fetch time.

``parse_french_date("Publié le 6 janvier 2026 à 14:16", now)`` and ``parse_french_date("il y a
3 heures", now)`` both give an aware datetime; anything not understood gives None (the store then
uses the fetch time and keeps the raw string). Times without a zone are Paris time.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2,
    "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6,
    "juillet": 7, "juil": 7, "jul": 7,
    "aout": 8, "aou": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "lundi": 0, "lun": 0, "mardi": 1, "mar": 1, "mercredi": 2, "mer": 2, "jeudi": 3, "jeu": 3,
    "vendredi": 4, "ven": 4, "samedi": 5, "sam": 5, "dimanche": 6, "dim": 6,
}  # fmt: skip
UNITS = {
    "seconde": "seconds", "secondes": "seconds", "sec": "seconds", "s": "seconds",
    "minute": "minutes", "minutes": "minutes", "min": "minutes", "mins": "minutes", "mn": "minutes", "m": "minutes",
    "heure": "hours", "heures": "hours", "h": "hours",
    "jour": "days", "jours": "days", "j": "days",
    "semaine": "weeks", "semaines": "weeks", "sem": "weeks",
    "mois": "months",
    "an": "years", "ans": "years", "annee": "years", "annees": "years",
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_NUMBER = r"\d+|une?|quelques"

_TIME = re.compile(r"^\s*(?:a|-|,|@)?\s*(\d{1,2})\s*(?:h|:)\s*(\d{2})?(?::(\d{2}))?(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2}))?")
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|e)?\s+({_MONTH})\b\.?,?(?:\s+(\d{{4}}|\d{{2}})(?![\d:h]))?")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\b\.?\s+(\d{{1,2}})(?:er)?,?\s+(\d{{4}})(?!\d)")
_WEEKDAY_TIME = re.compile(rf"^\s*({_WEEKDAY})\b\.?,?\s+(\d{{1,2}})\s*[h:]\s*(\d{{2}})\s*$")
_DURATION = re.compile(rf"[\s,]*(?:et\s+)?(?:environ\s+)?({_NUMBER})\s*({_UNIT})\b")
_DURATIONS_ONLY = re.compile(rf"^(?:(?:{_NUMBER})\s*(?:{_UNIT})\b[\s,]*(?:et\s+)?)+$")
_APOSTROPHES = re.compile(r"[\u2019\u02bc\u02bb\u055a\ua78c\uff07\u2032\u2035\u02b9`´]")
_TIME_ONLY = re.compile(r"^(?:publie|mise? a jour)\s*:?\s*(?:a\s+)?(\d{1,2})\s*[h:]\s*(\d{2})\b")
_OFFSET = re.compile(r"(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")


def normalise(text: str) -> str:
    text = _APOSTROPHES.sub("'", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.lower()).strip()


def parse_french_date(text: str, now: datetime) -> datetime | None:
    """Understand ``text`` relative to ``now`` (aware). Returns an aware datetime or None."""
    if not text or not text.strip():
        return None
    clean = normalise(text)[:300]
    local_now = now.astimezone(PARIS)
    return _relative(clean, local_now) or _absolute(clean, local_now)


def _relative(text: str, now: datetime) -> datetime | None:
    when = None
    for word, days in (("avant-hier", 2), ("avant hier", 2), ("hier", 1), ("aujourd'hui", 0), ("demain", -1)):
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            when = now - timedelta(days=days)
            rest = text.split(word, 1)[1]
            match = _TIME.match(rest)
            if match:
                when = _at(when, match)
            return when
    for marker, sign in (("il y a", -1), ("il ya", -1), ("depuis", -1), ("moins de", -1), ("dans", 1), ("en", 1)):
        for match in re.finditer(rf"(?<!\w){marker}(?!\w)", text):
            delta = _durations(text[match.end() :])
            if delta:
                return _shift(now, delta, sign)
    stripped = re.sub(r"^(?:.*?\ben ligne\b|publie|mis a jour)[\s:\u00b7|\-\u2013]*", "", text).strip(" .")
    if _DURATIONS_ONLY.match(stripped):
        # A bare duration in a listing ("4 semaines", "1 mois") is an age.
        return _shift(now, _durations(stripped), -1)
    return when


def _durations(text: str) -> dict[str, int]:
    """The run of durations at the start of ``text`` ("1 an, 2 mois et 3 jours"), and nothing after."""
    found: dict[str, int] = {}
    position = 0
    while match := _DURATION.match(text, position):
        position = match.end()
        number, unit = match.groups()
        if number in ("un", "une"):
            value = 1
        elif number == "quelques":
            value = 3 if UNITS[unit] != "seconds" else 10
        else:
            value = int(number)
        found[UNITS[unit]] = found.get(UNITS[unit], 0) + value
    return found


def _shift(now: datetime, delta: dict[str, int], sign: int) -> datetime:
    months = delta.get("months", 0) + 12 * delta.get("years", 0)
    when = _add_months(now, sign * months) if months else now
    return when + sign * timedelta(
        weeks=delta.get("weeks", 0),
        days=delta.get("days", 0),
        hours=delta.get("hours", 0),
        minutes=delta.get("minutes", 0),
        seconds=delta.get("seconds", 0),
    )


def _add_months(when: datetime, months: int) -> datetime:
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def _at(day: datetime, match: re.Match) -> datetime:
    groups = [*match.groups(), None, None][:3]
    hour, minute, second = int(groups[0]), int(groups[1] or 0), int(groups[2] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day
    return day.replace(hour=hour, minute=minute, second=second, microsecond=0)


def _absolute(text: str, now: datetime) -> datetime | None:
    candidates = []
    for pattern, kind in ((_ISO, "iso"), (_NUMERIC, "numeric"), (_DAY_MONTH, "day_month"), (_MONTH_DAY, "month_day")):
        match = pattern.search(text)
        if match:
            candidates.append((match.start(), kind, match))
    if not candidates:
        match = _WEEKDAY_TIME.match(text)
        if match:
            back = (now.weekday() - WEEKDAYS[match.group(1)]) % 7 or 7
            day = (now - timedelta(days=back)).replace(second=0, microsecond=0)
            return day.replace(hour=min(int(match.group(2)), 23), minute=min(int(match.group(3)), 59))
        match = _TIME_ONLY.match(text)
        if match:
            # "Publié à 0 h 23": today, or yesterday if that time is still to come.
            when = _at(now, match)
            return when - timedelta(days=1) if when > now + timedelta(minutes=5) else when
        return None
    # The first date in the text is the publication date ("Publié le …, mis à jour le …").
    _, kind, match = min(candidates, key=lambda c: c[0])
    year_given = True
    if kind == "iso":
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif kind == "numeric":
        day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    elif kind == "day_month":
        day, month = int(match.group(1)), MONTHS[match.group(2)]
        year_given = bool(match.group(3))
        year = _year(match.group(3)) if year_given else now.year
    else:
        month, day, year = MONTHS[match.group(1)], int(match.group(2)), int(match.group(3))
    try:
        when = datetime(year, month, day, tzinfo=PARIS)
    except ValueError:
        return None
    if kind == "iso" and match.group(4):
        when = when.replace(hour=min(int(match.group(4)), 23), minute=min(int(match.group(5)), 59))
    else:
        time_match = _TIME.match(text[match.end() :])
        if time_match:
            when = _at(when, time_match)
    offset = _OFFSET.search(text[match.end() :])
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        minutes = sign * (int(offset.group(2)) * 60 + int(offset.group(3) or 0))
        naive = when.replace(tzinfo=None) - timedelta(minutes=minutes)
        when = naive.replace(tzinfo=ZoneInfo("UTC")).astimezone(PARIS)
    if not year_given and when > now + timedelta(days=1):
        try:
            when = when.replace(year=when.year - 1)
        except ValueError:
            return None
    return when


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value
