"""A citizen's choices about how we reach them, through the registry's preference functions.

The language and the SMS opt-out belong to the phone; the registry passes the language on to the
people who applied with it, as it does for every channel.
"""

from __future__ import annotations

from registry import preferences as registry_preferences
from registry.models import PhonePreference


def preference_for(phone: str) -> PhonePreference | None:
    """What the person using ``phone`` asked of us, if anything."""
    return PhonePreference.objects.filter(phone=phone).first()


def set_language(phone: str, language: str) -> None:
    """Use ``language`` for everything sent to ``phone``."""
    registry_preferences.set_phone_language(phone, language)


def set_sms_opt_out(phone: str, opt_out: bool) -> None:
    """Stop (or restart) non-essential SMS to ``phone``; codes, receipts and decisions still go."""
    registry_preferences.set_sms_opt_out(phone, opt_out)
