"""Django's Redis cache backend made an accelerator: Redis down slows nothing and breaks no page.

Every call that cannot reach Redis degrades instead of raising: a read returns its default (a
cache miss), a write or delete is dropped. Only the counting calls (``add``, ``incr``, ``decr``,
the ones rate limits and locks are built on) raise ``CacheUnavailable``, a ``ConnectionError``, so
that each caller decides whether its limit fails open or closed (``portal.limits``,
``grievances.tracking``, ``sms.inbound``). Once Redis has failed, the process does not try it again
for ``DOWN_SECONDS``: a stopped or hung Redis costs one short timeout per process per interval,
not one per call. It comes back by itself with Redis.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# How long a process leaves Redis alone after a failure.
DOWN_SECONDS = 2.0
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class CacheUnavailable(ConnectionError):
    """The cache could not be reached, so nothing was counted or locked."""


class _Breaker:
    """Remembers, per process, until when Redis is taken as down."""

    def __init__(self) -> None:
        self.down_until = 0.0
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self, exc: BaseException) -> None:
        with self.lock:
            if not self.is_open():
                logger.warning("Cache unavailable, running without it for %.0f s: %s", DOWN_SECONDS, exc)
            self.down_until = time.monotonic() + DOWN_SECONDS

    def reset(self) -> None:
        self.down_until = 0.0


BREAKER = _Breaker()


def cache_is_down() -> bool:
    """Tell whether this process currently takes the cache for unreachable."""
    return BREAKER.is_open()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose reads miss, writes drop and counters raise ``CacheUnavailable`` when Redis is gone."""

    def _guarded(self, method: str, default: Any, *args, raise_when_down: bool = False, **kwargs):
        if BREAKER.is_open():
            if raise_when_down:
                raise CacheUnavailable("cache unavailable")
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except REDIS_ERRORS as exc:
            BREAKER.trip(exc)
            if raise_when_down:
                raise CacheUnavailable(str(exc)) from exc
            return default

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", None, keys, version)

    def clear(self):
        return self._guarded("clear", False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", False, key, value, timeout, version, raise_when_down=True)

    def incr(self, key, delta=1, version=None):
        return self._guarded("incr", None, key, delta, version, raise_when_down=True)

    def decr(self, key, delta=1, version=None):
        return self._guarded("decr", None, key, delta, version, raise_when_down=True)
