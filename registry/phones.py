"""Phone numbers: validated with ``phonenumbers`` and stored as E.164."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID_PHONE_MESSAGE = _("Enter a valid mobile phone number, like 0712 345 678.")
NOT_MOBILE_MESSAGE = _(
    "This number is not a mobile phone, so it cannot get our SMS. Enter a mobile number, like 0712 345 678."
)
FOREIGN_MOBILE_MESSAGE = _("Enter a mobile number of this country's networks, like 0712 345 678.")

# Number types that can receive SMS (some countries do not tell mobile and fixed lines apart).
_SMS_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


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


def normalise_mobile_phone(raw: str, region: str | None = None) -> str:
    """Return ``raw`` as E.164 when it is a mobile number of the served regions, else raise ``ValidationError``.

    "Your mobile phone" is where Lango sends codes, decisions and replies: a landline or a number
    abroad (``MOBILE_PHONE_REGIONS``) would get nothing, so it is refused with a reason.
    """
    e164 = normalise_phone(raw, region)
    number = phonenumbers.parse(e164)
    if phonenumbers.number_type(number) not in _SMS_TYPES:
        raise ValidationError(NOT_MOBILE_MESSAGE, code="not_mobile")
    if phonenumbers.region_code_for_number(number) not in settings.MOBILE_PHONE_REGIONS:
        raise ValidationError(FOREIGN_MOBILE_MESSAGE, code="foreign_mobile")
    return e164


def can_receive_sms(e164: str) -> bool:
    """Tell whether the E.164 ``e164`` is a mobile number of the served regions (the outbox asks)."""
    try:
        normalise_mobile_phone(e164)
    except ValidationError:
        return False
    return True


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
