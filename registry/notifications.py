"""SMS the registry sends, queued in the outbox inside the caller's transaction."""

from __future__ import annotations

from registry.models import Application, Programme
from registry.preferences import sms_language
from registry.references import format_reference
from sms.outbox import enqueue


def application_received(application: Application, programmes: list[Programme]) -> None:
    """Tell the applicant their application arrived, with its reference and programmes."""
    language = sms_language(application.applicant.phone, application.language)
    enqueue(
        application.applicant.phone,
        "application_received",
        language,
        {
            "reference": format_reference(application.reference),
            "programmes": ", ".join(p.short_name(language) for p in programmes),
        },
        dedupe_key=f"application-received:{application.pk}",
    )
