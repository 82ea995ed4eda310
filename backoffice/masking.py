"""Masking personal details on back-office screens until someone with a reason reveals them."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """Show a phone number's country code and last three digits only: ``+254•••••123``."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "•" * len(phone)
    return f"{phone[:4]}{'•' * (len(phone) - 7)}{phone[-3:]}"
