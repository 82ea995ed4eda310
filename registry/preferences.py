"""What the person using a phone number asked of us: their language and whether to get news by SMS.

The only writer of ``PhonePreference``; every channel (SMS keywords, USSD, portal) calls these.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from registry.models import Person, PhonePreference
from registry.phones import normalise_phone

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def _upsert(phone: str, **values) -> None:
    """Insert the phone's preference row, or update ``values`` on the existing one, in one statement.

    ``INSERT … ON CONFLICT (phone) DO UPDATE``: two channels choosing at the same moment cannot
    both insert, and the last choice wins.
    """
    PhonePreference.objects.bulk_create(
        [PhonePreference(phone=normalise_phone(phone), **values)],
        update_conflicts=True,
        unique_fields=["phone"],
        update_fields=[*values, "updated_at"],
    )


def set_phone_language(phone: str, language: str) -> None:
    """Remember that messages to ``phone`` go in ``language`` (one of ``settings.LANGUAGES``).

    The people who applied with that phone get it as their preferred language too, whichever
    channel the choice was made on.
    """
    if language not in LANGUAGE_CODES:
        raise ValidationError("Unknown language %(language)s.", code="language", params={"language": language})
    phone = normalise_phone(phone)
    with transaction.atomic():
        _upsert(phone, language=language)
        Person.objects.filter(phone=phone).exclude(preferred_language=language).update(preferred_language=language)


def set_sms_opt_out(phone: str, opted_out: bool) -> None:
    """Stop (``True``) or resume (``False``) non-essential SMS to ``phone``.

    Messages the person asks for and sign-in codes are essential and still go.
    """
    _upsert(phone, sms_opt_out=opted_out)


def language_for_phone(phone: str) -> str:
    """The language chosen for ``phone``, or ``""`` when none was."""
    return PhonePreference.objects.filter(phone=phone).values_list("language", flat=True).first() or ""


def sms_language(phone: str, fallback: str) -> str:
    """The language to write to ``phone`` in: the one last chosen for it, else ``fallback``."""
    return language_for_phone(phone) or fallback


def is_opted_out(phone: str) -> bool:
    """Tell whether ``phone`` asked for no non-essential SMS."""
    return PhonePreference.objects.filter(phone=phone, sms_opt_out=True).exists()
