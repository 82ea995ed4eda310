"""Delivery reports: kept once per ``(id, status)``, applied to the outbox row they describe.

A final status (Success, Rejected, Failed, Expired) is never overwritten by a late non-final one
(Sent, Submitted, Buffered); Success is never overwritten at all. A report whose ``id`` we do not
know yet is kept and applied when a message is recorded as sent with that id, or matched by
number and time to an unconfirmed send (``adopt_report_for``).

Any report proves the provider took the message: an unconfirmed send it names becomes sent.
``AbsentSubscriber`` (as a status, or as the failure reason of a Failed report) means the phone
was off: the message was not delivered and is sent again later, on the retry schedule.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from sms.models import DeliveryReport, OutboundMessage
from sms.retrying import redact_if_secret, retry_delay

logger = logging.getLogger(__name__)

NON_FINAL_STATUSES = frozenset({"Sent", "Submitted", "Buffered"})
FAILED_STATUSES = frozenset({"Rejected", "Failed", "Expired"})
ABSENT = "AbsentSubscriber"
DELIVERED = "Success"
FINAL_STATUSES = FAILED_STATUSES | {DELIVERED, ABSENT}
Status = OutboundMessage.Status
# The states a report may move: once pending again, sending or expired, a report on an earlier
# send changes nothing but the delivery status.
SETTLED_BY_REPORTS = frozenset({Status.SENT, Status.UNCONFIRMED, Status.DELIVERED, Status.FAILED})


def _rank(status: str) -> int:
    """Order statuses by how final they are: unknown or non-final < failed < delivered."""
    if status == DELIVERED:
        return 3
    if status in FAILED_STATUSES or status == ABSENT:
        return 2
    return 1 if status else 0


def is_absent_subscriber(status: str, failure_reason: str = "") -> bool:
    """Tell whether a report says the phone could not be reached for now (retry later)."""
    return status == ABSENT or (status in FAILED_STATUSES and failure_reason == ABSENT)


def record_delivery_report(
    provider_message_id: str, status: str, *, phone: str = "", failure_reason: str = ""
) -> DeliveryReport | None:
    """Keep a delivery report once and apply it to its message; return ``None`` for a repeat."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(provider_message_id=provider_message_id).first()
        try:
            with transaction.atomic():
                report = DeliveryReport.objects.create(
                    provider_message_id=provider_message_id,
                    status=status,
                    phone=phone,
                    failure_reason=failure_reason[:60],
                    message=message,
                )
        except IntegrityError:
            return None
        if message is None:
            logger.warning("Delivery report %s for unknown message id %s kept for later.", status, provider_message_id)
        else:
            _apply(message, report)
        return report


def apply_waiting_reports(message: OutboundMessage) -> None:
    """Apply reports that arrived before ``message`` was recorded with their id."""
    waiting = list(
        DeliveryReport.objects.filter(provider_message_id=message.provider_message_id, message__isnull=True).order_by(
            "received_at", "id"
        )
    )
    for report in waiting:
        report.message = message
        report.save(update_fields=["message"])
        _apply(message, report)


def adopt_report_for(message: OutboundMessage) -> bool:
    """Record an unconfirmed ``message`` as sent if the provider reported on it without us knowing its id.

    The provider reports every message it accepted; a report for the message's number, received
    after the send started and matching no message of ours, is taken to be this one's. Return
    whether one was found. The caller holds the row lock.
    """
    candidates = DeliveryReport.objects.filter(
        message__isnull=True, phone=message.to, received_at__gte=message.claimed_at
    ).order_by("received_at", "id")
    for report in candidates:
        if OutboundMessage.objects.filter(provider_message_id=report.provider_message_id).exists():
            continue  # its own message was recorded meanwhile
        message.status = Status.SENT
        message.provider_message_id = report.provider_message_id
        message.sent_at = report.received_at
        message.next_attempt_at = None
        message.claim_token = ""
        message.failure_reason = ""
        message.save(
            update_fields=[
                "status",
                "provider_message_id",
                "sent_at",
                "next_attempt_at",
                "claim_token",
                "failure_reason",
                *redact_if_secret(message),
            ]
        )
        apply_waiting_reports(message)
        return True
    return False


def _apply(message: OutboundMessage, report: DeliveryReport) -> None:
    current = message.delivery_status
    if _rank(report.status) < _rank(current) or (current in FINAL_STATUSES and report.status != DELIVERED):
        logger.info("Kept %s for SMS %s; late report %s ignored.", current, message.pk, report.status)
        return
    message.delivery_status = report.status
    fields = ["delivery_status"]
    if message.status not in SETTLED_BY_REPORTS:
        message.save(update_fields=fields)
        return
    now = timezone.now()
    if message.status == Status.UNCONFIRMED:
        logger.info("SMS %s: a delivery report confirms the provider took it.", message.pk)
        message.status = Status.SENT
        message.sent_at = message.sent_at or report.received_at or now
        message.next_attempt_at = None
        message.failure_reason = ""
        fields += ["status", "sent_at", "next_attempt_at", "failure_reason"]
    if report.status == DELIVERED:
        message.status = Status.DELIVERED
        message.delivered_at = now
        fields += ["status", "delivered_at"]
    elif is_absent_subscriber(report.status, report.failure_reason):
        fields += _retry_later(message, report)
    elif report.status in FAILED_STATUSES:
        message.status = Status.FAILED
        message.failure_reason = f"{report.status} {report.failure_reason}".strip()[:200]
        fields += ["status", "failure_reason"]
    message.save(update_fields=list(dict.fromkeys([*fields, *redact_if_secret_final(message)])))


def _retry_later(message: OutboundMessage, report: DeliveryReport) -> list[str]:
    """The phone was off: send the message again on the retry schedule, or fail it once that is spent."""
    now = timezone.now()
    delay = retry_delay(message.attempts)
    reason = f"{report.status} {report.failure_reason}".strip()[:200]
    resendable = not message.body_redacted and (delay is not None)
    if resendable and message.expires_at is not None and now + delay >= message.expires_at:
        resendable = False
    message.failure_reason = reason
    if resendable:
        logger.info("SMS %s: the phone was unreachable (%s); sending again later.", message.pk, reason)
        message.status = Status.PENDING
        message.next_attempt_at = now + delay
        message.provider_message_id = ""
        return ["status", "next_attempt_at", "provider_message_id", "failure_reason"]
    message.status = Status.FAILED
    message.next_attempt_at = None
    return ["status", "next_attempt_at", "failure_reason"]


def redact_if_secret_final(message: OutboundMessage) -> list[str]:
    """Redact a secret body unless the message is to be sent again."""
    if message.status == Status.PENDING:
        return []
    return redact_if_secret(message)
