"""Sending one outbox row: lock it, check it is still due, call the gateway, record the outcome."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sms.gateways import Outcome, get_gateway
from sms.models import OutboundMessage

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd and 4th attempt; after the 4th transient failure the message fails.
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=10), timedelta(minutes=15))


def send_due_message(message_id: int) -> Outcome | None:
    """Send one message if it is pending and due; return what happened, or ``None`` if nothing to do.

    The row is locked with ``SKIP LOCKED`` for the whole send, so two concurrent calls send once:
    the second finds the row locked (or no longer pending) and does nothing.
    """
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboundMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return None
        return deliver(message)


def deliver(message: OutboundMessage) -> Outcome:
    """Send a locked, pending message through the gateway and record the outcome on the row."""
    result = get_gateway().send(message.to, message.body)
    now = timezone.now()
    message.attempts += 1
    if result.outcome is Outcome.SENT:
        message.status = OutboundMessage.Status.SENT
        message.provider_message_id = result.provider_message_id
        message.sent_at = now
        message.failure_reason = ""
    elif result.outcome is Outcome.RETRY and message.attempts <= len(RETRY_DELAYS):
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        message.failure_reason = result.reason
        delay = RETRY_DELAYS[message.attempts - 1].total_seconds()
        transaction.on_commit(lambda: _schedule_retry(message.pk, delay))
    else:
        message.status = OutboundMessage.Status.FAILED
        message.failure_reason = result.reason
        logger.warning("SMS %s failed for good: %s", message.pk, result.reason)
    message.save(
        update_fields=["attempts", "status", "provider_message_id", "sent_at", "failure_reason", "next_attempt_at"]
    )
    return result.outcome


def _schedule_retry(message_id: int, delay: float) -> None:
    from django.conf import settings

    from sms.tasks import send_message

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # eager mode has no timer: the relay sends it when due
    try:
        send_message.apply_async((message_id,), countdown=delay)
    except Exception:
        logger.warning("Could not schedule retry of %s; the relay will.", message_id, exc_info=True)


RELAY_GRACE = timedelta(seconds=60)
RELAY_BATCH = 100


def relay_due_messages(limit: int = 10_000) -> int:
    """Send pending messages that are due and were not sent by their own task; return how many were tried.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` in small batches, so the relay never
    sends a message that a worker is sending at the same moment.
    """
    tried = 0
    while tried < limit:
        with transaction.atomic():
            batch = list(
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboundMessage.Status.PENDING, next_attempt_at__lte=timezone.now() - RELAY_GRACE)
                .order_by("next_attempt_at")[:RELAY_BATCH]
            )
            if not batch:
                break
            for message in batch:
                deliver(message)
            tried += len(batch)
    return tried
