"""Celery tasks of the partner API: thin wrappers around ``api.callbacks`` and ``api.notify``.

Also the two hooks that start them after a commit: a callback queued by a view, and a registry
event that subscribers may be owed. With the broker down, both leave the work to the beat.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save

from api import callbacks, notify
from registry.models import RegistryEvent

logger = logging.getLogger(__name__)

RELAY_LOCK = "api:callback-relay-lock"
WALK_LOCK = "api:notify-walk-lock"
LOCK_SECONDS = 120


@shared_task(ignore_result=True)
def send_callback(callback_id: int) -> str | None:
    """Send one callback; safe to run twice, even at once."""
    return callbacks.send_due(callback_id)


@shared_task(ignore_result=True)
def relay_callbacks() -> int:
    """Send callbacks left behind; never two relays at once."""
    with _only_one(RELAY_LOCK) as mine:
        return callbacks.relay() if mine else 0


@shared_task(ignore_result=True)
def notify_subscribers() -> int:
    """Queue the notifications subscribers are owed and send them; never two walks at once."""
    with _only_one(WALK_LOCK) as mine:
        queued = notify.walk_subscriptions() if mine else []
    for callback_id in queued:
        _start(send_callback, callback_id)
    return len(queued)


def send_after_commit(callback) -> None:
    """Have a worker send ``callback`` once the transaction that queued it commits."""
    transaction.on_commit(lambda: _start(send_callback, callback.pk))


def connect() -> None:
    """Have each new registry event start a notification walk once its transaction commits."""
    post_save.connect(_on_registry_event, sender=RegistryEvent, dispatch_uid="api-notify-on-registry-event")


def _on_registry_event(sender, instance: RegistryEvent, created: bool, **kwargs) -> None:
    if created and notify.has_subscribers():
        transaction.on_commit(lambda: _start(notify_subscribers))


def _start(task, *args) -> None:
    """Queue ``task`` without waiting on a dead broker: the beat's relay and walk pick the work up."""
    try:
        task.apply_async(args, retry=False)
    except Exception:  # any broker failure: the row is safe, the beat will do it
        logger.warning("Broker unavailable; %s left for the beat.", task.name, exc_info=True)


@contextmanager
def _only_one(name: str) -> Iterator[bool]:
    """Hold the cache lock ``name`` for a run; with the cache down, run anyway.

    The lock only saves work: claims and row locks already keep two runs from sending one
    callback twice, so an outage of the cache must not stop callbacks.
    """
    try:
        mine = bool(cache.add(name, "1", timeout=LOCK_SECONDS))
    except Exception:  # cache down
        logger.warning("Cache unavailable; running %s without its lock.", name, exc_info=True)
        yield True
        return
    try:
        yield mine
    finally:
        if mine:
            try:
                cache.delete(name)
            except Exception:  # cache gone mid-run: the lock expires by itself
                logger.warning("Could not release %s.", name, exc_info=True)
