"""A citizen's choices about how we reach them, through the registry's preference functions.

The language goes to the phone's preference (used by every channel) and to each person the citizen
speaks for; the SMS opt-out belongs to the phone.
"""

from __future__ import annotations

from django.db import transaction

from registry import preferences as registry_preferences
from registry.models import PhonePreference


def preference_for(phone: str) -> PhonePreference | None:
    """What the person using ``phone`` asked of us, if anything."""
    return PhonePreference.objects.filter(phone=phone).first()


def set_language(phone: str, language: str, people) -> None:
    """Use ``language`` for everything sent to ``phone`` and for ``people`` (a queryset of persons)."""
    with transaction.atomic():
        registry_preferences.set_phone_language(phone, language)
        people.update(preferred_language=language)


def set_sms_opt_out(phone: str, opt_out: bool) -> None:
    """Stop (or restart) non-essential SMS to ``phone``; codes, receipts and decisions still go."""
    registry_preferences.set_sms_opt_out(phone, opt_out)
