"""Delivery reports: kept once per ``(id, status)``, applied to the outbox row they describe.

A final status (Success, Rejected, Failed, Expired) is never overwritten by a late non-final one
(Sent, Submitted, Buffered); Success is never overwritten at all. A report whose ``id`` we do not
know yet is kept and applied when a message is recorded as sent with that id.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from sms.models import DeliveryReport, OutboundMessage

logger = logging.getLogger(__name__)

NON_FINAL_STATUSES = frozenset({"Sent", "Submitted", "Buffered"})
FAILED_STATUSES = frozenset({"Rejected", "Failed", "Expired"})
DELIVERED = "Success"
FINAL_STATUSES = FAILED_STATUSES | {DELIVERED}


def _rank(status: str) -> int:
    """Order statuses by how final they are: unknown or non-final < failed < delivered."""
    if status == DELIVERED:
        return 3
    if status in FAILED_STATUSES:
        return 2
    return 1 if status else 0


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
    """Apply reports that arrived before ``message`` was recorded as sent with their id."""
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
    """Record ``message`` (claimed by a sender that died) as sent if the provider reported on it.

    The provider reports every message it accepted; a report for the message's number, received
    after the claim and matching no message of ours, is taken to be this one's. Return whether one
    was found. The caller holds the row lock.
    """
    candidates = DeliveryReport.objects.filter(
        message__isnull=True, phone=message.to, received_at__gte=message.claimed_at
    ).order_by("received_at", "id")
    for report in candidates:
        if OutboundMessage.objects.filter(provider_message_id=report.provider_message_id).exists():
            continue  # its own message was recorded meanwhile
        message.status = OutboundMessage.Status.SENT
        message.provider_message_id = report.provider_message_id
        message.sent_at = report.received_at
        message.claim_token = ""
        message.failure_reason = ""
        message.save(update_fields=["status", "provider_message_id", "sent_at", "claim_token", "failure_reason"])
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
    if report.status == DELIVERED:
        message.status = OutboundMessage.Status.DELIVERED
        message.delivered_at = timezone.now()
        fields += ["status", "delivered_at"]
    elif report.status in FAILED_STATUSES:
        message.status = OutboundMessage.Status.FAILED
        message.failure_reason = f"{report.status} {report.failure_reason}".strip()[:200]
        fields += ["status", "failure_reason"]
    message.save(update_fields=fields)
