"""Sending outbox rows: claim one, call the gateway, record the outcome; reconcile claims left behind.

A send has three steps, each safe on its own:

1. **Claim** (one short transaction): lock the row with ``SELECT … FOR UPDATE SKIP LOCKED``, check
   it is pending and due, mark it *sending* with a fresh claim token, count the attempt, commit.
   Two workers, or a worker and the relay, never both claim a message: whoever comes second finds
   the row locked or no longer pending, and does nothing.
2. **Send** through the gateway, outside any transaction (a slow provider holds no lock).
3. **Record** the outcome on the row, if the claim is still ours: sent (with the provider's id),
   pending again with its next attempt time (retries after ``SMS_RETRY_DELAYS_SECONDS``), or failed.

A sender killed between 1 and 3 leaves the row *sending*. Whether the provider got the message is
then unknown (Africa's Talking takes no idempotency key), so the relay does not simply send it
again: once the claim is older than ``SMS_CLAIM_TIMEOUT_SECONDS`` it looks for a delivery report
for that number received after the claim (the provider reports every message it accepted) and,
if one came, records the message as sent with that report's id. Only when none came within
``SMS_RECONCILE_SECONDS`` of the claim is the message released and sent again.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sms.gateways import Outcome, SendResult, get_gateway
from sms.models import OutboundMessage
from sms.reports import adopt_report_for, apply_waiting_reports

logger = logging.getLogger(__name__)

RELAY_BATCH = 200
Status = OutboundMessage.Status
# Logged (with the message id) when the relay settles the claim of a sender that died.
RECORDED_FROM_REPORT = "SMS %s: sender died after the provider took it; recorded as sent."
SENT_AGAIN = "SMS %s: sender died and no delivery report came; sending it again."

# Called after commit with a message id and a delay in seconds when a retry is due later (the
# Celery tasks pass one that queues a delayed task); without one the relay sends it when due.
RetryScheduler = Callable[[int, float], None]


def retry_delays() -> list[timedelta]:
    """The waits before the 2nd, 3rd, … attempt (``SMS_RETRY_DELAYS_SECONDS``: 5, 10, 15 minutes)."""
    return [timedelta(seconds=s) for s in settings.SMS_RETRY_DELAYS_SECONDS]


def relay_grace() -> timedelta:
    """How long a due message is left to its own task before the relay sends it."""
    return timedelta(seconds=settings.SMS_RELAY_GRACE_SECONDS)


def send_due_message(
    message_id: int, *, grace: timedelta = timedelta(0), schedule_retry: RetryScheduler | None = None
) -> Outcome | None:
    """Send one message if it is pending and was due ``grace`` ago; return the outcome, or ``None``.

    ``None`` means there was nothing to do: another sender has it, it was already sent or failed,
    or it is not due yet. A transient failure is handed to ``schedule_retry`` after commit.
    """
    message = claim(message_id, grace)
    if message is None:
        return None
    return record_outcome(message, _send(message), schedule_retry=schedule_retry)


def claim(message_id: int, grace: timedelta = timedelta(0)) -> OutboundMessage | None:
    """Mark a pending, due message as being sent by us and count the attempt; ``None`` if we may not."""
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=timezone.now() - grace)
            .first()
        )
        if message is None:
            return None
        message.status = Status.SENDING
        message.claimed_at = timezone.now()
        message.claim_token = uuid.uuid4().hex
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "claim_token", "attempts"])
        return message


def record_outcome(
    claimed: OutboundMessage, result: SendResult, *, schedule_retry: RetryScheduler | None = None
) -> Outcome:
    """Record what became of a message we claimed and return it.

    Transient failures are retried after each of ``retry_delays()`` in turn, then fail for good
    (``Outcome.FAILED`` is then returned, whatever the gateway said).
    """
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=claimed.pk, status=Status.SENDING, claim_token=claimed.claim_token)
            .first()
        )
        if message is None:
            logger.error("SMS %s: our claim was reconciled before we finished (%s).", claimed.pk, result.outcome)
            return result.outcome
        outcome = result.outcome
        now = timezone.now()
        delays = retry_delays()
        message.claim_token = ""
        message.failure_reason = result.reason[:200]
        if outcome is Outcome.SENT:
            message.status = Status.SENT
            message.provider_message_id = result.provider_message_id
            message.sent_at = now
            message.failure_reason = ""
        elif outcome is Outcome.RETRY and message.attempts <= len(delays):
            delay = delays[message.attempts - 1]
            message.status = Status.PENDING
            message.next_attempt_at = now + delay
            if schedule_retry is not None:
                transaction.on_commit(lambda: schedule_retry(claimed.pk, delay.total_seconds()))
        else:
            outcome = Outcome.FAILED
            message.status = Status.FAILED
            logger.warning("SMS %s failed for good after %s attempts: %s", message.pk, message.attempts, result.reason)
        message.save(
            update_fields=[
                "status",
                "claim_token",
                "provider_message_id",
                "sent_at",
                "failure_reason",
                "next_attempt_at",
            ]
        )
        if outcome is Outcome.SENT and message.provider_message_id:
            apply_waiting_reports(message)
        return outcome


def _send(message: OutboundMessage) -> SendResult:
    """Call the gateway; an unexpected error counts as a transient failure, so retries stay bounded."""
    try:
        return get_gateway().send(message.to, message.body)
    except Exception as exc:  # any gateway bug must cost an attempt, not loop forever
        logger.exception("Gateway error sending SMS %s", message.pk)
        return SendResult(Outcome.RETRY, reason=f"error: {type(exc).__name__}")


def reconcile_abandoned_claims() -> int:
    """Settle messages whose sender died mid-send; return how many were settled.

    A claim older than ``SMS_CLAIM_TIMEOUT_SECONDS`` belongs to a dead sender. If a delivery report
    for the number arrived after the claim, the provider got the message: it is recorded as sent
    with that report's id. If none arrived within ``SMS_RECONCILE_SECONDS``, the provider most
    likely never got it: the message is released for sending again.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS)
    give_up = now - timedelta(seconds=settings.SMS_RECONCILE_SECONDS)
    settled = 0
    abandoned = OutboundMessage.objects.filter(status=Status.SENDING, claimed_at__lte=stale)
    for message_id in abandoned.order_by("claimed_at").values_list("pk", flat=True)[:RELAY_BATCH]:
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=Status.SENDING, claimed_at__lte=stale)
                .first()
            )
            if message is None:
                continue
            if adopt_report_for(message):
                logger.warning(RECORDED_FROM_REPORT, message.pk)
                settled += 1
            elif message.claimed_at <= give_up:
                logger.warning(SENT_AGAIN, message.pk)
                message.status = Status.PENDING
                message.claim_token = ""
                message.next_attempt_at = message.claimed_at
                message.failure_reason = "sender lost while sending"
                message.save(update_fields=["status", "claim_token", "next_attempt_at", "failure_reason"])
                settled += 1
    return settled


def relay_due_messages(*, max_seconds: float = 50.0, schedule_retry: RetryScheduler | None = None) -> int:
    """Settle abandoned claims, then send pending messages left behind; return how many were sent.

    A message is the relay's once it has been due for ``SMS_RELAY_GRACE_SECONDS`` without being
    sent (broker down, worker killed before it started). Each one goes through the same claim as
    a worker's, so the relay never sends a message a worker is sending. The relay stops after
    ``max_seconds``; the next run carries on.
    """
    reconcile_abandoned_claims()
    grace = relay_grace()
    deadline = time.monotonic() + max_seconds
    tried = 0
    while time.monotonic() < deadline:
        due = list(
            OutboundMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now() - grace)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:RELAY_BATCH]
        )
        progressed = False
        for message_id in due:
            if send_due_message(message_id, grace=grace, schedule_retry=schedule_retry) is not None:
                tried += 1
                progressed = True
            if time.monotonic() >= deadline:
                break
        if not progressed:
            break
    if tried:
        logger.info("Relay sent %s left-behind SMS.", tried)
    return tried
