"""Phone numbers: validated with ``phonenumbers`` and stored as E.164."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE_MESSAGE = _("Enter a valid mobile phone number, like 0712 345 678.")


def normalise_phone(raw: str, region: str | None = None) -> str:
    """Return ``raw`` as an E.164 number (``+254712345678``) or raise ``ValidationError``."""
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, region or settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(raw: str, region: str | None = None) -> bool:
    """Tell whether ``raw`` is a valid phone number."""
    try:
        normalise_phone(raw, region)
    except ValidationError:
        return False
    return True


def mask_phone(e164: str) -> str:
    """Show a phone number with its middle digits hidden: ``+254 7•• ••• 678``."""
    if not e164 or len(e164) < 7:
        return "•••"
    return e164[:5] + "•" * (len(e164) - 8) + e164[-3:]


def validate_phone(value: str) -> None:
    """Model-field validator: the stored value must already be E.164 and valid."""
    if normalise_phone(value) != value:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")
