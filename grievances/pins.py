"""Tracking PINs for cases without a signed-in owner: shown once, stored only as a keyed hash.

New PINs have ``PIN_DIGITS`` (6) digits. Cases filed before that have 4-digit PINs, which keep
working: ``check_pin`` compares whatever digits were typed with the stored hash, so a PIN of either
length is accepted wherever one is asked for (web, USSD, SMS ``TRACK``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from registry.digits import ascii_digits

PIN_DIGITS = 6
LEGACY_PIN_DIGITS = 4
ACCEPTED_PIN_LENGTHS = (LEGACY_PIN_DIGITS, PIN_DIGITS)


def new_pin() -> str:
    """Return a fresh random 6-digit PIN (one of 1,000,000)."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def clean_pin(raw: str) -> str:
    """The PIN as typed, in ASCII digits, without spaces (``"٤٥ ٦٧"`` is ``"4567"``)."""
    return "".join(ch for ch in ascii_digits(raw or "") if not ch.isspace() and ch not in "-.")


def looks_like_pin(raw: str) -> bool:
    """Tell whether ``raw`` has the shape of a PIN: 4 (older cases) or 6 digits, in any script."""
    pin = clean_pin(raw)
    return pin.isascii() and pin.isdigit() and len(pin) in ACCEPTED_PIN_LENGTHS


def hash_pin(pin: str) -> str:
    """Return ``salt$digest`` for ``pin``, keyed with the secret key (fast enough for USSD)."""
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, pin)}"


def check_pin(pin: str, stored: str) -> bool:
    """Compare ``pin`` (any digits script, spaces ignored) with a stored hash in constant time."""
    if not stored or "$" not in stored:
        return False
    salt, digest = stored.split("$", 1)
    return hmac.compare_digest(_digest(salt, clean_pin(pin)), digest)


def _digest(salt: str, pin: str) -> str:
    key = hashlib.sha256(("tracking-pin:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{salt}:{pin}".encode(), hashlib.sha256).hexdigest()
