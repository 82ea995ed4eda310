"""SMS about grievances, queued in the outbox inside the caller's transaction.

No message names a category or a personal detail: only references, dates and statuses.
"""

from __future__ import annotations

from grievances.models import Grievance
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
