"""Where USSD state lives: sessions and drafts in PostgreSQL, short-lived lists and counters in the cache.

A session's state is read under a row lock (``locked_session``) and written back in the same
transaction, so the hops of one session run one after the other: 20 copies of the same final hop
arriving at once get the same screen, the first one's. PostgreSQL is the durable store: a Redis
restart loses no session and no draft.

The cache holds only what may be lost: the reference lists (``ussd.lookups``) and the per-phone hop
counter. With Django's Redis cache backend it is read through one long-lived client per process
(the backend builds a client per call); keys go through ``cache.make_key`` so they share the
cache's prefix. When Redis cannot be reached a read misses and a write is dropped (the process
then leaves Redis alone for a moment, as ``portal.resilient_cache`` does).
"""

from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ussd.models import UssdDraft, UssdSessionState

_REDIS_BACKENDS = {"django.core.cache.backends.redis.RedisCache", "portal.resilient_cache.ResilientRedisCache"}
_REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
_client = None
_client_lock = threading.Lock()


def _redis():
    """The process's Redis client for the default cache, or ``None`` when the cache is not Redis."""
    global _client
    config = settings.CACHES["default"]
    if config["BACKEND"] not in _REDIS_BACKENDS:
        return None
    if _client is None:
        with _client_lock:
            if _client is None:
                location = config["LOCATION"]
                options = config.get("OPTIONS", {})
                _client = redis.Redis.from_url(
                    location[0] if isinstance(location, list | tuple) else location,
                    socket_connect_timeout=options.get("socket_connect_timeout", 0.5),
                    socket_timeout=options.get("socket_timeout", 1.0),
                    retry=None,
                    retry_on_error=[],
                )
    return _client


def _down() -> bool:
    from portal.resilient_cache import cache_is_down

    return cache_is_down()


def _trip(exc: BaseException) -> None:
    from portal.resilient_cache import BREAKER

    BREAKER.trip(exc)


def read(keys: list[str]) -> dict[str, Any]:
    """Return the values cached under ``keys`` (missing keys, or all of them when Redis is down, left out)."""
    client = _redis()
    if client is None:
        return cache.get_many(keys)
    if _down():
        return {}
    try:
        raw = client.mget([cache.make_key(key) for key in keys])
    except _REDIS_ERRORS as exc:
        _trip(exc)
        return {}
    return {key: pickle.loads(value) for key, value in zip(keys, raw, strict=True) if value is not None}  # noqa: S301 - our own cache


def write(items: list[tuple[str, Any, int]]) -> None:
    """Cache each ``(key, value, timeout_seconds)``, all in one round trip (dropped when Redis is down)."""
    client = _redis()
    if client is None:
        by_timeout: dict[int, dict[str, Any]] = defaultdict(dict)
        for key, value, timeout in items:
            by_timeout[timeout][key] = value
        for timeout, values in by_timeout.items():
            cache.set_many(values, timeout=timeout)
        return
    if _down():
        return
    pipeline = client.pipeline(transaction=False)
    for key, value, timeout in items:
        pipeline.set(cache.make_key(key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL), ex=timeout)
    try:
        pipeline.execute()
    except _REDIS_ERRORS as exc:
        _trip(exc)


def delete(key: str) -> None:
    """Forget the cached ``key``."""
    client = _redis()
    if client is None:
        cache.delete(key)
        return
    if _down():
        return
    try:
        client.delete(cache.make_key(key))
    except _REDIS_ERRORS as exc:
        _trip(exc)


# --- Sessions and drafts, in the database ------------------------------------------------------


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loads(raw) -> Any:
    if not raw:
        return None
    try:
        return pickle.loads(bytes(raw))  # noqa: S301 - written by this module only
    except Exception:  # noqa: BLE001 - an unreadable row is a lost session, not a failed hop
        return None


class LockedSession:
    """A session's stored value, read under its row lock; ``save`` writes it back in the same transaction."""

    def __init__(self, session_id: str, value: Any) -> None:
        self.session_id = session_id
        self.value = value

    def save(self, value: Any, ttl_seconds: int) -> None:
        UssdSessionState.objects.filter(session_id=self.session_id).update(
            data=_dumps(value), expires_at=timezone.now() + timedelta(seconds=ttl_seconds)
        )


@contextmanager
def locked_session(session_id: str, ttl_seconds: int) -> Iterator[LockedSession]:
    """Hold ``session_id``'s row lock for one hop; yields its stored value (``None`` for a new session)."""
    with transaction.atomic():
        row = (
            UssdSessionState.objects.select_for_update()
            .filter(session_id=session_id)
            .values_list("data", "expires_at")
            .first()
        )
        if row is None:
            UssdSessionState.objects.bulk_create(
                [UssdSessionState(session_id=session_id, expires_at=timezone.now() + timedelta(seconds=ttl_seconds))],
                ignore_conflicts=True,
            )
            row = (
                UssdSessionState.objects.select_for_update()
                .filter(session_id=session_id)
                .values_list("data", "expires_at")
                .first()
            )
        value = _loads(row[0]) if row and row[1] > timezone.now() else None
        yield LockedSession(session_id, value)


def read_session(session_id: str) -> Any:
    """The stored value of ``session_id`` (no lock), or ``None``."""
    row = UssdSessionState.objects.filter(session_id=session_id, expires_at__gt=timezone.now()).values_list(
        "data", flat=True
    )
    return _loads(row.first())


def write_session(session_id: str, value: Any, ttl_seconds: int) -> None:
    """Store ``value`` for ``session_id`` (outside a hop: tests, tools)."""
    UssdSessionState.objects.update_or_create(
        session_id=session_id,
        defaults={"data": _dumps(value), "expires_at": timezone.now() + timedelta(seconds=ttl_seconds)},
    )


def delete_session(session_id: str) -> None:
    UssdSessionState.objects.filter(session_id=session_id).delete()


def read_draft(phone: str) -> Any:
    row = UssdDraft.objects.filter(phone=phone, expires_at__gt=timezone.now()).values_list("data", flat=True)
    return _loads(row.first())


def write_draft(phone: str, value: Any, ttl_seconds: int) -> None:
    """Store the phone's draft in one statement (an upsert)."""
    UssdDraft.objects.bulk_create(
        [UssdDraft(phone=phone, data=_dumps(value), expires_at=timezone.now() + timedelta(seconds=ttl_seconds))],
        update_conflicts=True,
        unique_fields=["phone"],
        update_fields=["data", "expires_at"],
    )


def delete_draft(phone: str) -> None:
    UssdDraft.objects.filter(phone=phone).delete()


def forget_expired() -> int:
    """Delete the sessions and drafts past their time; return how many rows went."""
    now = timezone.now()
    sessions, _ = UssdSessionState.objects.filter(expires_at__lte=now).delete()
    drafts, _ = UssdDraft.objects.filter(expires_at__lte=now).delete()
    return sessions + drafts
