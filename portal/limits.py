"""Rate limits on the citizen forms that cost an SMS or guess a secret, on the shared cache.

Each limit is counted by django-ratelimit (per client IP, and per phone where there is one). The
cache stores only hashed keys: no address or number is kept in clear.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django_ratelimit.core import is_ratelimited

from portal.client_ip import client_ip
from registry.phones import normalise_phone


@dataclass(frozen=True)
class Limit:
    """At most ``rate`` POSTs in a group, counted per ``key`` ("ip", "phone" or "user")."""

    group: str
    key: str
    rate: str


LIMITS: dict[str, tuple[Limit, ...]] = {
    "sign_in_send": (
        Limit("portal.sign_in_send.ip", "ip", "20/h"),
        Limit("portal.sign_in_send.phone", "phone", "20/h"),
    ),
    "sign_in_verify": (
        Limit("portal.sign_in_verify.ip", "ip", "30/h"),
        Limit("portal.sign_in_verify.phone", "phone", "20/h"),
    ),
    "apply_submit": (Limit("portal.apply_submit.user", "user", "10/h"),),
    "complaint": (Limit("portal.complaint.ip", "ip", "10/h"), Limit("portal.complaint.phone", "phone", "5/d")),
    "track": (Limit("portal.track.ip", "ip", "30/h"),),
    "callback": (Limit("portal.callback.ip", "ip", "5/h"), Limit("portal.callback.phone", "phone", "3/d")),
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
        if is_ratelimited(request, group=limit.group, key=key, rate=limit.rate, method="POST", increment=True):
            limited = True
    return limited


def phone_from_post(request, field: str = "phone") -> str:
    """The E.164 number posted in ``field``, or ``""`` when it is not a valid number."""
    try:
        return normalise_phone(request.POST.get(field, ""))
    except ValidationError:
        return ""
