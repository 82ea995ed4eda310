"""Digits as people type them: phones set to Arabic, Persian or full-width keyboards send other digits.

Every channel reads references, PINs, IDs and numbers through ``ascii_digits`` so that ``٤٥`` is 45
on the web, on USSD and by SMS alike.
"""

from __future__ import annotations

import unicodedata


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit (``٠-٩``, ``۰-۹``, ``０-９`` …) written as 0-9."""
    if text.isascii():
        return text
    return "".join(str(digit) if (digit := unicodedata.decimal(ch, None)) is not None else ch for ch in text)
