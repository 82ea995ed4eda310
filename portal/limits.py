"""Rate limits on the citizen forms that cost an SMS or guess a secret, on the shared cache.

Each limit is counted by django-ratelimit (per client IP, and per phone where there is one). The
cache stores only hashed keys: no address or number is kept in clear.

Sign-in has no limit per phone here: posts anyone can make about a number must not shut its owner
out. What a phone may receive is kept by ``PhoneDevice`` (and ``sms.ceiling``); wrong codes count
against the code and against the address that typed them (``reserve_code_try``), which is
throttled before it could lock a phone.

When the cache cannot count (Redis down), the limits that protect money or a secret (sending a
sign-in code by SMS, guessing it) fail closed: the request is refused with a polite "try again in a
few minutes" (``limits_unavailable``); the others (applying, complaining, tracking, call backs,
appeals) fail open, so the service itself stays up. PIN guesses are guarded where the PIN is
checked (``grievances.tracking``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from portal.client_ip import client_ip
from portal.models import MAX_CONSECUTIVE_FAILURES
from registry.phones import normalise_phone

# Codes an address may try without success in a quarter hour: fewer than the wrong codes in a row
# that lock a phone, so no single address can lock anyone's phone.
CODE_TRIES_PER_ADDRESS = MAX_CONSECUTIVE_FAILURES - 1
CODE_TRY_WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Limit:
    """At most ``rate`` POSTs in a group, counted per ``key`` ("ip", "phone" or "user")."""

    group: str
    key: str
    rate: str


# Limits whose purpose is lost if they stop counting: refuse rather than let requests through.
FAIL_CLOSED = frozenset({"sign_in_send", "sign_in_verify"})
# Set on the request when a refusal came from an unreachable cache rather than a used-up limit.
UNAVAILABLE_ATTRIBUTE = "lango_limits_unavailable"

LIMITS: dict[str, tuple[Limit, ...]] = {
    "sign_in_send": (Limit("portal.sign_in_send.ip", "ip", "20/h"),),
    "sign_in_verify": (Limit("portal.sign_in_verify.ip", "ip", "30/h"),),
    "apply_submit": (Limit("portal.apply_submit.user", "user", "10/h"),),
    "complaint": (Limit("portal.complaint.ip", "ip", "10/h"), Limit("portal.complaint.phone", "phone", "5/d")),
    "track": (Limit("portal.track.ip", "ip", "30/h"),),
    "callback": (Limit("portal.callback.ip", "ip", "5/h"), Limit("portal.callback.phone", "phone", "3/d")),
    "confirm_phone": (Limit("portal.confirm_phone.ip", "ip", "20/h"),),
    "appeal": (Limit("portal.appeal.user", "user", "10/h"),),
}


def _ip_key(group, request) -> str:
    return client_ip(request)


def _user_key(group, request) -> str:
    return str(request.user.pk) if request.user.is_authenticated else client_ip(request)


def over_limit(request, name: str, phone: str = "") -> bool:
    """Count this POST against every limit of ``name``; tell whether any of them is exceeded.

    ``phone`` (already E.164) is the number the request is about; limits per phone are skipped
    without one.
    """
    limited = False
    for limit in LIMITS[name]:
        if limit.key == "phone":
            if not phone:
                continue
            key = lambda group, request, phone=phone: phone  # noqa: E731
        else:
            key = _ip_key if limit.key == "ip" else _user_key
        try:
            if is_ratelimited(request, group=limit.group, key=key, rate=limit.rate, method="POST", increment=True):
                limited = True
        except ConnectionError:  # the cache cannot count (portal.resilient_cache.CacheUnavailable)
            if name in FAIL_CLOSED:
                setattr(request, UNAVAILABLE_ATTRIBUTE, True)
                return True
            return limited
    return limited


def limits_unavailable(request) -> bool:
    """Tell whether this request was refused because its limits could not be counted."""
    return bool(getattr(request, UNAVAILABLE_ATTRIBUTE, False))


def phone_from_post(request, field: str = "phone") -> str:
    """The E.164 number posted in ``field``, or ``""`` when it is not a valid number."""
    try:
        return normalise_phone(request.POST.get(field, ""))
    except ValidationError:
        return ""


def _code_try_key(request) -> str:
    who = hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
    quarter = int(timezone.now().timestamp() // CODE_TRY_WINDOW_SECONDS)
    return f"portal.code-tries:{who}:{quarter}"


def reserve_code_try(request) -> bool:
    """Count one sign-in code try against the client address, before it is checked.

    Tells whether the address is within ``CODE_TRIES_PER_ADDRESS`` this quarter hour; a try that
    turns out right is given back (``release_code_try``). Add-then-increment is atomic, so a burst
    is counted one by one; a cache that cannot count refuses (fail closed).
    """
    key = _code_try_key(request)
    try:
        cache.add(key, 0, timeout=CODE_TRY_WINDOW_SECONDS)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis away or the key lost: refuse rather than guess blind
        return False
    return isinstance(count, int) and count <= CODE_TRIES_PER_ADDRESS


def release_code_try(request) -> None:
    """A right code does not count against its address."""
    try:
        cache.decr(_code_try_key(request))
    except Exception:  # noqa: BLE001, S110 - the count only ends with its quarter hour
        pass
