"""The field-encryption keys and the keyed hash, read from the settings and kept until they change."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class UndecryptableValue(ImproperlyConfigured):
    """A stored value that none of ``FIELD_ENCRYPTION_KEYS`` opens: a key was dropped too early, or lost."""


def configured_keys() -> list[str]:
    """The Fernet keys from the settings, the current (encrypting) one first."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(keys, str):
        keys = [key.strip() for key in keys.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) must name at least one key.")
    return list(keys)


@cache
def _fernets() -> tuple[Fernet, MultiFernet]:
    try:
        fernets = [Fernet(key) for key in configured_keys()]
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key: {exc}") from None
    return fernets[0], MultiFernet(fernets)


def current() -> Fernet:
    """The key that encrypts (the first one)."""
    return _fernets()[0]


def all_keys() -> MultiFernet:
    """Every configured key: the first encrypts, any of them decrypts."""
    return _fernets()[1]


def encrypt(text: str) -> str:
    """The Fernet token (ASCII) of ``text`` under the current key."""
    return current().encrypt(text.encode()).decode("ascii")


def decrypt(token: str, *, where: str = "a value") -> str:
    """The text of a token made under any configured key; ``UndecryptableValue`` when none opens it."""
    try:
        return all_keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise UndecryptableValue(
            f"{where} cannot be decrypted with FIELD_ENCRYPTION_KEYS: was the key it was made with dropped "
            "before `manage.py rotate_field_keys --check` passed?"
        ) from None


def try_decrypt(token: str) -> str | None:
    """The text of a token under any configured key, or None when it is not one."""
    try:
        return all_keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError, UnicodeDecodeError):
        return None


def is_current(token: str) -> bool:
    """Tell whether a token was made under the current key."""
    try:
        current().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotate(token: str, *, where: str = "a value") -> str:
    """The same text under the current key (a token made under any configured key)."""
    try:
        return all_keys().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError):
        raise UndecryptableValue(f"{where} cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from None


def _hash_key() -> bytes:
    key = settings.FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY (or FIELD_HASH_KEY_FILE) must be set.")
    return key.encode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of ``value`` under ``FIELD_HASH_KEY``: equality search without the value in clear.

    The same construction as the national-ID hash (``registry.services.hash_national_id``), under
    its own key; ``""`` stays ``""`` so that "no value" needs no hash.
    """
    if not value:
        return ""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernets.cache_clear()
