"""At most a few confirmation emails an hour per address and per IP, counted in Django's cache."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

LIMIT = 3
WINDOW = 3600


def allow(kind: str, value: str, *, limit: int = LIMIT, window: int = WINDOW) -> bool:
    """Count one more request for ``value``; False once it made more than ``limit`` in ``window``."""
    key = "subscriptions:rate:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr, or the cache is down: let this one through
        cache.set(key, 1, window)
        count = 1
    return count <= limit
