"""Celery tasks of the outbox: thin wrappers around ``sms.delivery``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from sms.delivery import relay_due_messages, send_due_message

RELAY_LOCK = "sms:relay-lock"
# Longer than a relay run (at most 50 s of sending); a relay that died frees the lock this soon.
RELAY_LOCK_SECONDS = 120

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_message(message_id: int) -> str | None:
    """Send one outbox message; safe to run twice, even at once."""
    outcome = send_due_message(message_id, schedule_retry=schedule_retry)
    return outcome.value if outcome else None


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Settle claims of dead senders and send what is due and left behind; never two relays at once."""
    if not cache.add(RELAY_LOCK, "1", timeout=RELAY_LOCK_SECONDS):
        return 0
    try:
        return relay_due_messages(schedule_retry=schedule_retry)
    finally:
        cache.delete(RELAY_LOCK)


def schedule_retry(message_id: int, delay: float) -> None:
    """Queue the next attempt at a message ``delay`` seconds from now; the relay covers any failure to."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # eager mode has no timer: the relay sends it when due
    try:
        send_message.apply_async((message_id,), countdown=delay, retry=False)
    except Exception:  # broker down: the relay sends it when due
        logger.warning("Could not schedule retry of %s; the relay will.", message_id, exc_info=True)
