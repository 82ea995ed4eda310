"""Context every template gets."""

from __future__ import annotations

from django.conf import settings


def site(request) -> dict:
    """The USSD code to dial and the currency, shown on many pages."""
    return {"USSD_SERVICE_CODE": settings.USSD_SERVICE_CODE, "CURRENCY": settings.CURRENCY}
