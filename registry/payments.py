"""Payments: what the payment system reports about the money sent to enrolled people.

The payment system posts one event per change (scheduled, sent, paid, failed, returned) with its
own ids. Each event is kept once (the same event id twice changes nothing), the payment's status
is that of its latest event, and the person is told by SMS when money is sent — if the programme
says so. Only enrolled programme applications are paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from registry.formatting import format_amount
from registry.models import Payment, PaymentChannel, PaymentEvent, ProgrammeApplication
from registry.preferences import sms_language
from registry.references import format_reference, normalise_reference
from sms.outbox import enqueue
from sms.templates import sms_date

Status = Payment.Status


class PaymentError(ValidationError):
    """A payment event cannot be taken as sent; the message is for the partner system."""


@dataclass(frozen=True)
class PaymentReport:
    """One event as the payment system reports it."""

    source: str
    payment_id: str
    event_id: str
    application_reference: str
    programme_code: str
    status: str
    amount: Decimal
    currency: str
    channel: str
    payment_date: date
    occurred_at: datetime


@dataclass(frozen=True)
class PaymentResult:
    """The payment after the event, the event row, and whether this call recorded it (``False``: a repeat)."""

    payment: Payment
    event: PaymentEvent
    created: bool


def record_payment_event(report: PaymentReport, *, programmes: frozenset[str] | None = None) -> PaymentResult:
    """Record one payment event, once, and return the payment as it now stands.

    ``programmes`` limits the programmes the reporting system may pay (``None``: any). The same
    ``(source, event_id)`` twice returns the first result; with different content it is refused.
    An event older than the payment's latest leaves the status alone (events may arrive out of order).
    """
    _check(report)
    if programmes is not None and report.programme_code not in programmes:
        raise PaymentError(_("This system does not pay that programme."), code="forbidden_programme")
    earlier = _repeat(report)
    if earlier is not None:
        return earlier
    pa = _programme_application(report)
    try:
        with transaction.atomic():
            payment = _locked_payment(report, pa)
            event = PaymentEvent.objects.create(
                payment=payment,
                source=report.source,
                event_id=report.event_id,
                status=report.status,
                amount=report.amount,
                occurred_at=report.occurred_at,
            )
            if report.occurred_at >= payment.status_at:
                if payment.status_at != report.occurred_at or payment.status != report.status:
                    _apply(payment, report)
                if report.status == Status.SENT:
                    _tell_sent(payment)  # once per payment: its dedupe key
            return PaymentResult(payment, event, created=True)
    except IntegrityError:  # the same event arrived twice at once: the other one recorded it
        earlier = _repeat(report)
        if earlier is None:
            raise
        return earlier


def _check(report: PaymentReport) -> None:
    if report.status not in Status.values:
        raise PaymentError(_("Unknown payment status."), code="status")
    if report.channel not in PaymentChannel.values:
        raise PaymentError(_("Unknown payment channel."), code="channel")
    if report.amount is None or report.amount < 0:
        raise PaymentError(_("The amount must be zero or more."), code="amount")
    if len(report.currency or "") != 3 or not report.currency.isalpha():
        raise PaymentError(_("The currency must be a three-letter code."), code="currency")
    if not report.payment_id or not report.event_id:
        raise PaymentError(_("Give the payment's id and the event's id."), code="id")


def _repeat(report: PaymentReport) -> PaymentResult | None:
    event = (
        PaymentEvent.objects.select_related("payment").filter(source=report.source, event_id=report.event_id).first()
    )
    if event is None:
        return None
    same = (
        event.payment.external_id == report.payment_id
        and event.status == report.status
        and event.amount == report.amount
        and event.occurred_at == report.occurred_at
    )
    if not same:
        raise PaymentError(_("This event id was already used for another event."), code="conflict")
    return PaymentResult(event.payment, event, created=False)


def _programme_application(report: PaymentReport) -> ProgrammeApplication:
    reference = normalise_reference(report.application_reference)
    pa = (
        ProgrammeApplication.objects.select_related("application__applicant", "programme")
        .prefetch_related("programme__names")
        .filter(application__reference=reference, programme__code=report.programme_code)
        .first()
    )
    if pa is None:
        raise PaymentError(_("No application to that programme has this reference."), code="not_found")
    if pa.status != ProgrammeApplication.Status.ENROLLED:
        raise PaymentError(_("Only enrolled people are paid."), code="not_enrolled")
    return pa


def _locked_payment(report: PaymentReport, pa: ProgrammeApplication) -> Payment:
    payment = Payment.objects.select_for_update().filter(source=report.source, external_id=report.payment_id).first()
    if payment is None:  # the row we insert is ours until commit; a racing twin fails on the unique key
        return Payment.objects.create(
            programme_application=pa,
            source=report.source,
            external_id=report.payment_id,
            status=report.status,
            amount=report.amount,
            currency=report.currency.upper(),
            channel=report.channel,
            payment_date=report.payment_date,
            status_at=report.occurred_at,
        )
    if payment.programme_application_id != pa.pk:
        raise PaymentError(_("This payment id belongs to another application."), code="conflict")
    return payment


def _apply(payment: Payment, report: PaymentReport) -> None:
    payment.status = report.status
    payment.amount = report.amount
    payment.currency = report.currency.upper()
    payment.channel = report.channel
    payment.payment_date = report.payment_date
    payment.status_at = report.occurred_at
    payment.save(update_fields=["status", "amount", "currency", "channel", "payment_date", "status_at", "updated_at"])


def _tell_sent(payment: Payment) -> None:
    """Queue "your payment was sent" for the applicant, once per payment, if the programme says so."""
    pa = payment.programme_application
    if not pa.programme.notify_payment_sent:
        return
    application = pa.application
    phone = application.applicant.phone
    language = sms_language(phone, application.language)
    enqueue(
        phone,
        "payment_sent",
        language,
        {
            "programme": pa.programme.short_name(language),
            "amount": format_amount(payment.amount, payment.currency),
            "date": sms_date(payment.payment_date),
            "reference": format_reference(application.reference),
        },
        dedupe_key=f"payment-sent:{payment.pk}",
        essential=False,
    )
