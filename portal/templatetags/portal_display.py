"""Statuses and timeline entries in the citizen's words."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html

from grievances.models import Grievance
from registry.decisions import citizen_reason
from registry.formatting import format_amount, format_day, format_moment
from registry.models import Payment, ProgrammeApplication

register = template.Library()

STATUS_STYLE = {
    ProgrammeApplication.Status.ENROLLED: "done",
    ProgrammeApplication.Status.NOT_ELIGIBLE: "refused",
    Grievance.Status.RESOLVED: "done",
    Grievance.Status.CLOSED: "done",
    Payment.Status.PAID: "done",
    Payment.Status.FAILED: "refused",
    Payment.Status.RETURNED: "refused",
}


@register.filter
def refusal_reason(pa: ProgrammeApplication) -> str:
    """The standard reason for a refusal, in the citizen's words ("" when there is none)."""
    if pa.status != ProgrammeApplication.Status.NOT_ELIGIBLE:
        return ""
    return citizen_reason(pa.decision_reason_code)


@register.filter
def application_status(code: str) -> str:
    """The label of a programme application status."""
    try:
        return str(ProgrammeApplication.Status(code).label)
    except ValueError:
        return ""


@register.filter
def grievance_status(code: str) -> str:
    """The label of a grievance status."""
    try:
        return str(Grievance.Status(code).label)
    except ValueError:
        return ""


@register.filter
def status_style(code: str) -> str:
    """The tag style of a status (done, refused or plain)."""
    return STATUS_STYLE.get(code, "")


@register.simple_tag
def ussd_code() -> str:
    """The USSD code to dial, for pages rendered without the request context (the 500 page)."""
    return settings.USSD_SERVICE_CODE


@register.filter
def ltr(value) -> str:
    """Keep a reference, a phone number or a code in left-to-right order inside right-to-left text."""
    return format_html('<span dir="ltr">{}</span>', value)


@register.filter
def day(value) -> str:
    """A date (or a moment's local day) in the words and order of the page's language: ``12 août 1958``."""
    return format_day(value)


@register.filter
def moment(value) -> str:
    """A moment as its local day in the page's language and its 24-hour time: ``12 août 1958 14:05``."""
    return format_moment(value)


@register.filter
def money(value) -> str:
    """A whole amount in the deployment's currency, grouped as on every channel: ``KES 1,500``."""
    return format_amount(value)


@register.filter
def amount(payment: Payment) -> str:
    """A payment's amount with its currency, written the same way on every channel (``KES 2,000``)."""
    return format_amount(payment.amount, payment.currency)
