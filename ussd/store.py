"""Reading and writing USSD state in the cache in as few round trips as possible.

A hop reads its session and the phone's hop counter in one round trip and writes them (with the
unfinished application, when there is one) in another. With Django's Redis cache backend, the
store talks to the same Redis through one long-lived client per process and a pipeline, because
the backend builds a new client object for every call; keys go through ``cache.make_key`` so they
share the cache's prefix and are cleared with it (they are ours: short, ASCII, no spaces, so the
backend's per-character key check is skipped). Any other backend goes through the cache API.
"""

from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache

_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
_client = None
_client_lock = threading.Lock()


def _redis():
    """The process's Redis client for the default cache, or ``None`` when the cache is not Redis."""
    global _client
    config = settings.CACHES["default"]
    if config["BACKEND"] != _REDIS_BACKEND:
        return None
    if _client is None:
        with _client_lock:
            if _client is None:
                import redis

                location = config["LOCATION"]
                _client = redis.Redis.from_url(location[0] if isinstance(location, list | tuple) else location)
    return _client


def read(keys: list[str]) -> dict[str, Any]:
    """Return the values stored under ``keys`` (missing keys are left out)."""
    client = _redis()
    if client is None:
        return cache.get_many(keys)
    raw = client.mget([cache.make_key(key) for key in keys])
    return {key: pickle.loads(value) for key, value in zip(keys, raw, strict=True) if value is not None}  # noqa: S301 - our own cache


def write(items: list[tuple[str, Any, int]]) -> None:
    """Store each ``(key, value, timeout_seconds)``, all in one round trip."""
    client = _redis()
    if client is None:
        by_timeout: dict[int, dict[str, Any]] = defaultdict(dict)
        for key, value, timeout in items:
            by_timeout[timeout][key] = value
        for timeout, values in by_timeout.items():
            cache.set_many(values, timeout=timeout)
        return
    pipeline = client.pipeline(transaction=False)
    for key, value, timeout in items:
        pipeline.set(cache.make_key(key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL), ex=timeout)
    pipeline.execute()


def delete(key: str) -> None:
    """Forget ``key``."""
    client = _redis()
    if client is None:
        cache.delete(key)
    else:
        client.delete(cache.make_key(key))
