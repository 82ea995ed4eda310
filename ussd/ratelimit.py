"""A per-phone hop limit, counted beside the session in the cache.

All of Africa's Talking's USSD traffic comes from a few addresses, so limiting by IP would throttle
everyone at once; the caller's ``phoneNumber`` (set by the network) is the right key. The counter
is read with the session and written with it (one cache round trip each way); two hops of one
phone at the very same moment may count as one, which a limit of tens per minute can afford.
"""

from __future__ import annotations

import time

from django.conf import settings

WINDOW_SECONDS = 60


def counter_key(phone: str) -> str:
    """The cache key counting ``phone``'s hops in the current minute."""
    return f"ussd:rate:{phone}:{int(time.time() // WINDOW_SECONDS)}"


def within_limit(hops_this_minute: int) -> bool:
    """Tell whether a phone may have its ``hops_this_minute``-th hop of the minute answered."""
    return hops_this_minute <= settings.USSD_HOPS_PER_PHONE_PER_MINUTE
