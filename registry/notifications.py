"""SMS the registry sends, queued in the outbox inside the caller's transaction."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import pgettext

from registry.models import Application, Programme
from registry.preferences import sms_language
from registry.references import format_reference
from sms.outbox import enqueue


def list_separator(language: str) -> str:
    """The comma that joins names in ``language`` (Arabic has its own)."""
    with translation.override(language):
        # Translators: placed between the names of a list, e.g. "Child grant, Disability grant".
        return pgettext("list separator", ", ")


def application_received(application: Application, programmes: list[Programme]) -> None:
    """Tell the applicant their application arrived, with its reference and programmes.

    Called once, in the transaction that creates the application, so no dedupe key is needed.
    """
    language = sms_language(application.applicant.phone, application.language)
    enqueue(
        application.applicant.phone,
        "application_received",
        language,
        {
            "reference": format_reference(application.reference),
            "programmes": list_separator(language).join(p.short_name(language) for p in programmes),
        },
    )


def privacy_notice_url(language: str) -> str:
    """The absolute address of the privacy notice in ``language`` (English has no prefix)."""
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{prefix}{settings.PRIVACY_NOTICE_PATH}"


def privacy_notice_link(phone: str, language: str) -> bool:
    """Send the link to the full privacy notice before consent is asked on a phone without a browser.

    Once a day per phone (resuming or dialling again does not send it twice), and never to a phone
    that already applied: it was sent the notice then. Returns whether a link is on its way.
    """
    if Application.objects.filter(applicant__phone=phone).exists():
        return False
    enqueue(
        phone,
        "consent_notice_link",
        language,
        {"url": privacy_notice_url(language)},
        dedupe_key=f"consent-notice:{phone}:{timezone.localdate().isoformat()}",
    )
    return True
