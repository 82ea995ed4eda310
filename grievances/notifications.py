"""SMS about grievances, queued in the outbox inside the caller's transaction.

No message names a category or a personal detail: only references, dates and statuses.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import pgettext

from grievances.models import CallbackRequest, Grievance
from registry.preferences import sms_language
from registry.references import format_reference
from sms.outbox import enqueue
from sms.templates import sms_date


def grievance_received(grievance: Grievance) -> None:
    """Acknowledge a case (saying so when it is an appeal) with its reference and due date, if there is a phone."""
    if not grievance.contact_phone:
        return
    enqueue(
        grievance.contact_phone,
        "appeal_received" if grievance.kind == Grievance.Kind.APPEAL else "grievance_received",
        sms_language(grievance.contact_phone, grievance.language),
        {
            "reference": format_reference(grievance.reference),
            "due_date": sms_date(grievance.due_at),
        },
        dedupe_key=f"grievance-received:{grievance.pk}",
    )


def notify_case(grievance: Grievance, template: str, context: dict, *, dedupe_key: str) -> bool:
    """Queue ``template`` for the case's citizen, in their language; return whether there was a phone."""
    if not grievance.contact_phone:
        return False
    enqueue(
        grievance.contact_phone,
        template,
        sms_language(grievance.contact_phone, grievance.language),
        {"reference": format_reference(grievance.reference), **context},
        dedupe_key=dedupe_key,
    )
    return True


def callback_confirmed(callback: CallbackRequest, promise_hours: int) -> None:
    """Tell the number that a call back was asked for it: within how long and at what time of day.

    Sent once per request (a number already waiting gets nothing new). Anyone may type any number
    on the web, so the SMS names no reason and no detail, and says to ignore it if it was not asked.
    """
    language = sms_language(callback.phone, callback.language)
    enqueue(
        callback.phone,
        "callback_confirmed",
        language,
        {"hours": promise_hours, "when": preferred_time_for_sms(callback.preferred_time, language)},
        dedupe_key=f"callback-confirmed:{callback.pk}",
    )


def preferred_time_for_sms(preferred_time: str, language: str) -> str:
    """The preferred time of day as an SMS says it, in ``language`` (short, GSM-7 in Latin scripts)."""
    with translation.override(language):
        return {
            CallbackRequest.PreferredTime.MORNING: pgettext("sms", "in the morning (8-12)"),
            CallbackRequest.PreferredTime.AFTERNOON: pgettext("sms", "in the afternoon (12-17)"),
            CallbackRequest.PreferredTime.EVENING: pgettext("sms", "in the evening (17-20)"),
        }.get(preferred_time, pgettext("sms", "at any time of day"))
