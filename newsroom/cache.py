"""A Redis cache that degrades to "no cache" when Redis is unreachable.

Pages must keep answering when Redis stops: a read becomes a miss, a write is dropped, and the
failure is logged (at most once a minute per process, to keep logs readable).

After a failure the cache stays "open" (every call answers as a miss at once) for a few seconds
before trying Redis again: a Redis that hangs rather than refuses would otherwise cost each page a
socket timeout per cache call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_LOG_EVERY = 60.0
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class FailSafeRedisCache(RedisCache):
    _last_logged = 0.0
    _down_until = 0.0  # per instance once set: each cache location fails on its own

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_AFTER
        if now - FailSafeRedisCache._last_logged > _LOG_EVERY:
            FailSafeRedisCache._last_logged = now
            logger.warning("cache %s failed, serving without cache for %.0f s: %s", operation, RETRY_AFTER, exc)

    def _safely(self, operation: str, call, fallback):
        if not self._available():
            return fallback
        try:
            return call()
        except (RedisError, OSError) as exc:
            self._failed(operation, exc)
            return fallback

    def get(self, key, default=None, version=None):
        return self._safely("get", lambda: super(FailSafeRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._safely("get_many", lambda: super(FailSafeRedisCache, self).get_many(keys, version), {})

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        return self._safely("set", lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=None, version=None):
        call = lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version)  # noqa: E731
        return self._safely("set_many", call, list(data))

    def add(self, key, value, timeout=None, version=None):
        return self._safely("add", lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False)

    def delete(self, key, version=None):
        return self._safely("delete", lambda: super(FailSafeRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._safely("delete_many", lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._safely("incr", lambda: super(FailSafeRedisCache, self).incr(key, delta, version), missing)
        if result is missing:
            raise ValueError(f"cache unavailable, cannot increment {key!r}")
        return result

    def touch(self, key, timeout=None, version=None):
        return self._safely("touch", lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False)

    def has_key(self, key, version=None):
        return self._safely("has_key", lambda: super(FailSafeRedisCache, self).has_key(key, version), False)

    def clear(self):
        return self._safely("clear", lambda: super(FailSafeRedisCache, self).clear(), False)
