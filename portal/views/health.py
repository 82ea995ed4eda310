"""``/healthz``: does the database answer, does the cache answer?

The database is essential: without it the answer is 503. The cache (Redis) only accelerates: when
it is down the service still answers, so ``/healthz`` says 200 with ``"cache": "degraded"``.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False


def _cache_ok() -> bool:
    key, value = "healthz:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # noqa: BLE001
        return False


@never_cache
@require_GET
def healthz(request):
    """200 while the database answers (the cache reported ``ok`` or ``degraded``); 503 without the database."""
    database, cache_ok = _database_ok(), _cache_ok()
    if not database:
        status = "unavailable"
    else:
        status = "ok" if cache_ok else "degraded"
    body = {"status": status, "database": "ok" if database else "down", "cache": "ok" if cache_ok else "degraded"}
    return JsonResponse(body, status=200 if database else 503)
