"""The language each caller last used, remembered outside the database for the worst moment.

When the database fails mid-session the view can no longer read the session or the phone's
preference, yet the caller should still read "please dial again" in their own language. Each
process keeps the phones it served lately in memory, and the cache keeps them for the other
processes; both are only hints (a miss gives the default language), so neither is ever required.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings

from ussd import store

REMEMBERED_PHONES = 10_000
CACHE_SECONDS = 30 * 24 * 60 * 60

_recent: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def _key(phone: str) -> str:
    return f"ussd:caller-language:{phone}"


def remember(phone: str, language: str) -> None:
    """Note that ``phone`` is being served in ``language`` (cheap: the cache is written on a change only)."""
    if not language:
        return
    with _lock:
        changed = _recent.get(phone) != language
        _recent[phone] = language
        _recent.move_to_end(phone)
        while len(_recent) > REMEMBERED_PHONES:
            _recent.popitem(last=False)
    if changed:
        store.write([(_key(phone), language, CACHE_SECONDS)])


def recall(phone: str) -> str:
    """The language ``phone`` was last served in, without touching the database; else the default."""
    with _lock:
        language = _recent.get(phone)
    if not language:
        language = store.read([_key(phone)]).get(_key(phone), "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def forget_all() -> None:
    """Forget what this process remembers (tests)."""
    with _lock:
        _recent.clear()
