"""When to poll a source next: adaptive between 5 minutes and 24 hours, with jitter and backoff."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

MIN_INTERVAL = 5 * 60
MAX_INTERVAL = 24 * 3600
WEEK = 7 * 24 * 3600
JITTER = 0.2
ATTENTION_AFTER = 10  # consecutive errors before editors are told

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def clamp(seconds: float) -> int:
    return int(min(MAX_INTERVAL, max(MIN_INTERVAL, seconds)))


def adaptive_interval(published: Iterable[datetime | None], now: datetime, current: int) -> int:
    """Two checks per expected article, from the publishing rate over the last week.

    The rate is measured since the oldest article of the week still in the feed, so a short feed of
    a busy site (20 articles in two hours) reads as busy, not as 20 articles a week.
    """
    dates = [when for when in published if when is not None]
    if not dates:
        return clamp(current)
    week_ago = now - timedelta(seconds=WEEK)
    recent = [when for when in dates if week_ago <= when <= now]
    if not recent:
        return MAX_INTERVAL
    span = max((now - min(recent)).total_seconds(), 3600)
    return clamp(span / (2 * len(recent)))


def max_age(headers: dict[str, str]) -> int | None:
    match = _MAX_AGE.search(headers.get("cache-control", ""))
    return int(match.group(1)) if match else None


def with_jitter(seconds: float, rng: random.Random | None = None) -> int:
    """Up to 20 % later, so sources added together do not stay in lockstep; never beyond a day."""
    rng = rng or random
    return int(min(MAX_INTERVAL, seconds * (1 + JITTER * rng.random())))


def success_delay(interval: int, *, ttl_minutes: int | None = None, cache_max_age: int | None = None) -> int:
    """Seconds until the next poll after a success: the interval, but never sooner than TTL/max-age asks."""
    floor = max(ttl_minutes * 60 if ttl_minutes else 0, cache_max_age or 0)
    return with_jitter(clamp(max(interval, floor)))


def error_delay(error_count: int, *, retry_after: int | None = None) -> int:
    """Geometric backoff from 5 minutes, doubling per consecutive error, up to a day (never dropped)."""
    backoff = MIN_INTERVAL * 2 ** min(max(error_count - 1, 0), 16)
    if retry_after:
        backoff = max(backoff, retry_after)
    return with_jitter(clamp(backoff))
