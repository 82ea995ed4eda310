"""Sending outbox rows: claim one, call the gateway, record the outcome; settle unconfirmed sends.

A send has three steps, each safe on its own:

1. **Claim** (one short transaction): lock the row with ``SELECT … FOR UPDATE SKIP LOCKED``, check
   it is pending and due (a message past its lifetime expires instead), mark it *sending* with a
   fresh claim token, count the attempt, commit. Two workers, or a worker and the relay, never both
   claim a message: whoever comes second finds the row locked or no longer pending, and does nothing.
2. **Send** through the gateway, outside any transaction (a slow provider holds no lock).
3. **Record** the outcome on the row, if the claim is still ours: sent (with the provider's id),
   pending again with its next attempt time (``SMS_RETRY_DELAYS_SECONDS``, lengthened by a random
   jitter: ``sms.retrying``), failed, or **unconfirmed**.

An ambiguous send is never blindly repeated. Africa's Talking takes no idempotency key, so a
timeout after the request left, an unreadable 2xx answer, an unknown status, or a sender killed
between 1 and 3 (its claim older than ``SMS_CLAIM_TIMEOUT_SECONDS``) may each mean the message
went. Such a message is *unconfirmed* and the relay settles it:

* a delivery report with its id settles it at once (``sms.reports``);
* without an id, a report for its number received after the send and matching no message of ours
  is taken for it, the oldest unconfirmed message first (never while another message to that
  number is still being sent: the report may be that one's);
* when ``SMS_RECONCILE_SECONDS`` (at most half its remaining lifetime) pass with no report, it is
  sent once more if its template says a repeat is harmless (``sms.templates.policy``) and it has
  not been sent again before; otherwise it stays unconfirmed, for a supervisor to judge from the
  back-office.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sms.gateways import Outcome, SendResult, get_gateway
from sms.models import OutboundMessage
from sms.reports import adopt_report_for, apply_waiting_reports
from sms.retrying import redact_if_secret, retry_delay
from sms.templates import policy

logger = logging.getLogger(__name__)

RELAY_BATCH = 200
Status = OutboundMessage.Status
# Logged (with the message id) when the relay settles an unconfirmed message.
RECORDED_FROM_REPORT = "SMS %s: unconfirmed send matched to a delivery report; recorded as sent."
SENT_AGAIN = "SMS %s: unconfirmed and no delivery report came; sending it once more (a repeat is harmless)."
LEFT_UNCONFIRMED = "SMS %s: unconfirmed and no delivery report came; not sent again (a repeat would confuse)."
SENDER_LOST = "sender lost while sending"

# Called after commit with a message id and a delay in seconds when a retry is due later (the
# Celery tasks pass one that queues a delayed task); without one the relay sends it when due.
RetryScheduler = Callable[[int, float], None]


def relay_grace() -> timedelta:
    """How long a due message is left to its own task before the relay sends it."""
    return timedelta(seconds=settings.SMS_RELAY_GRACE_SECONDS)


def reconcile_deadline(message: OutboundMessage, sent_at: datetime) -> datetime:
    """When the wait for a delivery report on an unconfirmed send started at ``sent_at`` ends."""
    window = timedelta(seconds=settings.SMS_RECONCILE_SECONDS)
    if message.expires_at is not None:
        window = min(window, max(timedelta(0), (message.expires_at - sent_at) / 2))
    return sent_at + window


def send_due_message(
    message_id: int, *, grace: timedelta = timedelta(0), schedule_retry: RetryScheduler | None = None
) -> Outcome | None:
    """Send one message if it is pending and was due ``grace`` ago; return the outcome, or ``None``.

    ``None`` means there was nothing to do: another sender has it, it was already sent, failed or
    expired, or it is not due yet. A transient failure is handed to ``schedule_retry`` after commit.
    """
    message = claim(message_id, grace)
    if message is None:
        return None
    return record_outcome(message, _send(message), schedule_retry=schedule_retry)


def claim(message_id: int, grace: timedelta = timedelta(0)) -> OutboundMessage | None:
    """Mark a pending, due message as being sent by us and count the attempt; ``None`` if we may not.

    A message past its lifetime is marked expired instead (and ``None`` returned).
    """
    with transaction.atomic():
        now = timezone.now()
        message = (
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.PENDING, next_attempt_at__lte=now - grace)
            .first()
        )
        if message is None:
            return None
        if message.expires_at is not None and message.expires_at <= now:
            _expire(message)
            return None
        message.status = Status.SENDING
        message.claimed_at = now
        message.claim_token = uuid.uuid4().hex
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "claim_token", "attempts"])
        return message


def _expire(message: OutboundMessage) -> None:
    """Give up on a message that is worthless late; the caller holds the row lock."""
    logger.info("SMS %s (%s) expired before it could be sent.", message.pk, message.template)
    message.status = Status.EXPIRED
    message.next_attempt_at = None
    message.failure_reason = f"expired unsent; {message.failure_reason}".strip("; ")[:200]
    message.save(update_fields=["status", "next_attempt_at", "failure_reason", *redact_if_secret(message)])


def record_outcome(
    claimed: OutboundMessage, result: SendResult, *, schedule_retry: RetryScheduler | None = None
) -> Outcome:
    """Record what became of a message we claimed and return it.

    Transient failures are retried after each of the retry delays in turn, then fail for good
    (``Outcome.FAILED`` is then returned, whatever the gateway said); one whose next attempt would
    come after the message's lifetime expires instead.
    """
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=claimed.pk, status=Status.SENDING, claim_token=claimed.claim_token)
            .first()
        )
        if message is None:
            logger.error("SMS %s: our claim was settled before we finished (%s).", claimed.pk, result.outcome)
            return result.outcome
        outcome = result.outcome
        now = timezone.now()
        message.claim_token = ""
        message.failure_reason = result.reason[:200]
        fields = ["status", "claim_token", "provider_message_id", "sent_at", "failure_reason", "next_attempt_at"]
        if outcome is Outcome.SENT:
            message.status = Status.SENT
            message.provider_message_id = result.provider_message_id
            message.sent_at = now
            message.next_attempt_at = None
            message.failure_reason = ""
            message.delivery_status = ""  # a new send: earlier reports were about an earlier one
            fields += ["delivery_status", *redact_if_secret(message)]
        elif outcome is Outcome.UNCONFIRMED:
            message.status = Status.UNCONFIRMED
            message.provider_message_id = result.provider_message_id
            message.delivery_status = ""
            message.next_attempt_at = reconcile_deadline(message, message.claimed_at)
            fields.append("delivery_status")
            logger.warning("SMS %s unconfirmed (%s); waiting for a delivery report.", message.pk, result.reason)
        elif outcome is Outcome.RETRY and (delay := retry_delay(message.attempts)) is not None:
            if message.expires_at is not None and now + delay >= message.expires_at:
                outcome = Outcome.FAILED
                message.status = Status.EXPIRED
                message.next_attempt_at = None
                message.failure_reason = f"expired unsent; {result.reason}"[:200]
                fields += redact_if_secret(message)
            else:
                message.status = Status.PENDING
                message.next_attempt_at = now + delay
                if schedule_retry is not None:
                    transaction.on_commit(lambda: schedule_retry(claimed.pk, delay.total_seconds()))
        else:
            outcome = Outcome.FAILED
            message.status = Status.FAILED
            message.next_attempt_at = None
            fields += redact_if_secret(message)
            logger.warning("SMS %s failed for good after %s attempts: %s", message.pk, message.attempts, result.reason)
        message.save(update_fields=fields)
        if outcome in (Outcome.SENT, Outcome.UNCONFIRMED) and message.provider_message_id:
            apply_waiting_reports(message)
        return outcome


def _send(message: OutboundMessage) -> SendResult:
    """Call the gateway; an unexpected error counts as unconfirmed, since the request may have left."""
    try:
        return get_gateway().send(message.to, message.body)
    except Exception as exc:  # a gateway bug must not loop, nor repeat a message that may have gone
        logger.exception("Gateway error sending SMS %s", message.pk)
        return SendResult(Outcome.UNCONFIRMED, reason=f"error: {type(exc).__name__}")


def mark_abandoned_claims_unconfirmed() -> int:
    """Turn claims older than ``SMS_CLAIM_TIMEOUT_SECONDS`` (their sender died) into unconfirmed sends."""
    stale = timezone.now() - timedelta(seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS)
    marked = 0
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
            logger.warning("SMS %s: its sender died while sending; the send is unconfirmed.", message.pk)
            message.status = Status.UNCONFIRMED
            message.claim_token = ""
            message.failure_reason = SENDER_LOST
            message.next_attempt_at = reconcile_deadline(message, message.claimed_at)
            message.save(update_fields=["status", "claim_token", "failure_reason", "next_attempt_at"])
            marked += 1
    return marked


def settle_unconfirmed() -> int:
    """Match unconfirmed sends to delivery reports, or decide about them once their wait is over.

    Return how many were settled (recorded as sent, released to be sent once more, or left for a
    supervisor). See the module documentation for the rules.
    """
    mark_abandoned_claims_unconfirmed()
    now = timezone.now()
    settled = 0
    waiting = OutboundMessage.objects.filter(status=Status.UNCONFIRMED, next_attempt_at__isnull=False)
    for message_id in waiting.order_by("claimed_at", "id").values_list("pk", flat=True)[:RELAY_BATCH]:
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=Status.UNCONFIRMED, next_attempt_at__isnull=False)
                .first()
            )
            if message is None:
                continue
            if not message.provider_message_id:
                if _number_busy(message):
                    continue  # a report now may be the other message's: decide on a later run
                if adopt_report_for(message):
                    logger.warning(RECORDED_FROM_REPORT, message.pk)
                    settled += 1
                    continue
            if message.next_attempt_at > now:
                continue
            settled += 1
            expired = message.expires_at is not None and message.expires_at <= now
            if policy(message.template).repeat_harmless and message.resends == 0 and not expired:
                logger.warning(SENT_AGAIN, message.pk)
                message.status = Status.PENDING
                message.resends += 1
                message.next_attempt_at = message.claimed_at  # due since: the relay takes it at once
                message.provider_message_id = ""
                message.failure_reason = f"sent again: {message.failure_reason}"[:200]
                message.save(
                    update_fields=["status", "resends", "next_attempt_at", "provider_message_id", "failure_reason"]
                )
            else:
                logger.warning(LEFT_UNCONFIRMED, message.pk)
                message.next_attempt_at = None
                message.failure_reason = f"no delivery report: {message.failure_reason}"[:200]
                message.save(update_fields=["next_attempt_at", "failure_reason", *redact_if_secret(message)])
    return settled


def _number_busy(message: OutboundMessage) -> bool:
    """Tell whether another message to the same number is being sent (a report may be that one's)."""
    return OutboundMessage.objects.filter(to=message.to, status=Status.SENDING).exclude(pk=message.pk).exists()


def expire_overdue() -> int:
    """Expire pending messages past their lifetime, so they are never sent late; return how many."""
    now = timezone.now()
    expired = 0
    overdue = OutboundMessage.objects.filter(status=Status.PENDING, expires_at__lte=now)
    for message_id in overdue.values_list("pk", flat=True)[:RELAY_BATCH]:
        with transaction.atomic():
            message = (
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=Status.PENDING, expires_at__lte=now)
                .first()
            )
            if message is not None:
                _expire(message)
                expired += 1
    return expired


def relay_due_messages(*, max_seconds: float = 50.0, schedule_retry: RetryScheduler | None = None) -> int:
    """Settle unconfirmed sends, expire stale ones, send pending messages left behind; return how many sent.

    A message is the relay's once it has been due for ``SMS_RELAY_GRACE_SECONDS`` without being
    sent (broker down, worker killed before it started). Each one goes through the same claim as
    a worker's, so the relay never sends a message a worker is sending. The relay stops after
    ``max_seconds``; the next run carries on.
    """
    settle_unconfirmed()
    expire_overdue()
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
