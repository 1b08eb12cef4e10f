"""A Redis cache that degrades to "no cache" when Redis is unreachable.

Pages must keep answering when Redis stops: a read becomes a miss, a write is dropped, and the
failure is logged (at most once a minute per process, to keep logs readable).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
_LOG_EVERY = 60.0


class FailSafeRedisCache(RedisCache):
    _last_logged = 0.0

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - FailSafeRedisCache._last_logged > _LOG_EVERY:
            FailSafeRedisCache._last_logged = now
            logger.warning("cache %s failed, serving without cache: %s", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as exc:
            self._failed("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as exc:
            self._failed("get_many", exc)
            return {}

    def set(self, key, value, timeout=None, version=None):  # noqa: A003
        try:
            return super().set(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            self._failed("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except (RedisError, OSError) as exc:
            self._failed("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as exc:
            self._failed("add", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as exc:
            self._failed("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except (RedisError, OSError) as exc:
            self._failed("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            self._failed("incr", exc)
            raise ValueError(f"cache unavailable, cannot increment {key!r}") from exc

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError) as exc:
            self._failed("touch", exc)
            return False

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except (RedisError, OSError) as exc:
            self._failed("has_key", exc)
            return False
