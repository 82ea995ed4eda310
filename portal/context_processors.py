"""Context every template gets."""

from __future__ import annotations

from django.conf import settings

# Unicode "left-to-right isolate" marks: a USSD code like *384*1# keeps its order inside Arabic text.
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def site(request) -> dict:
    """The USSD code to dial (kept left-to-right in any language) and the currency."""
    return {
        "USSD_SERVICE_CODE": f"{LTR_ISOLATE}{settings.USSD_SERVICE_CODE}{POP_ISOLATE}",
        "CURRENCY": settings.CURRENCY,
    }
