"""Tracking PINs for cases without a signed-in owner: shown once, stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings


def new_pin() -> str:
    """Return a fresh random 4-digit PIN."""
    return f"{secrets.randbelow(10_000):04d}"


def hash_pin(pin: str) -> str:
    """Return ``salt$digest`` for ``pin``, keyed with the secret key (fast enough for USSD)."""
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, pin)}"


def check_pin(pin: str, stored: str) -> bool:
    """Compare ``pin`` with a stored hash in constant time."""
    if not stored or "$" not in stored:
        return False
    salt, digest = stored.split("$", 1)
    return hmac.compare_digest(_digest(salt, (pin or "").strip()), digest)


def _digest(salt: str, pin: str) -> str:
    key = hashlib.sha256(("tracking-pin:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{salt}:{pin}".encode(), hashlib.sha256).hexdigest()
