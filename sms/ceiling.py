"""A ceiling on the sign-in codes sent each clock hour across every number, and the alert when it trips.

The per-phone and per-address limits bound what one number or one address can cost; a script
trying many numbers from many addresses is bounded only here. The count is an atomic increment on
the shared cache, reserved before the SMS is queued; a cache that cannot count refuses (the ceiling
fails closed). When a code is refused, the hour is recorded as tripped for the back-office
dashboard (``tripped_alert``) for ``ALERT_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

HOUR_SECONDS = 60 * 60
ALERT_SECONDS = 24 * HOUR_SECONDS
ALERT_KEY = "sms-ceiling:sign-in:tripped"


@dataclass(frozen=True)
class CeilingAlert:
    """The last hour the ceiling tripped: when it started, the ceiling, and how many codes it refused."""

    hour: datetime
    ceiling: int
    refused: int


def _hour() -> int:
    return int(timezone.now().timestamp() // HOUR_SECONDS)


def reserve_sign_in_sms() -> bool:
    """Count one sign-in SMS in this hour; tell whether it is within ``SIGN_IN_SMS_PER_HOUR``.

    A refused one is not sent, and the hour is recorded for the dashboard's alert.
    """
    hour = _hour()
    key = f"sms-ceiling:sign-in:{hour}"
    try:
        cache.add(key, 0, timeout=2 * HOUR_SECONDS)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis away or the key lost: refuse rather than spend blind
        return False
    if isinstance(count, int) and count <= settings.SIGN_IN_SMS_PER_HOUR:
        return True
    _record_trip(hour)
    return False


def _record_trip(hour: int) -> None:
    try:
        alert = cache.get(ALERT_KEY)
        refused = alert["refused"] + 1 if isinstance(alert, dict) and alert.get("hour") == hour else 1
        cache.set(ALERT_KEY, {"hour": hour, "refused": refused}, timeout=ALERT_SECONDS)
    except Exception:  # noqa: BLE001, S110 - the alert is best effort; the refusal already holds
        pass


def tripped_alert() -> CeilingAlert | None:
    """The ceiling's latest trip within the last day, for supervisors; ``None`` when it has not tripped."""
    try:
        alert = cache.get(ALERT_KEY)
    except Exception:  # noqa: BLE001 - nothing to show without the cache
        return None
    if not isinstance(alert, dict):
        return None
    return CeilingAlert(
        hour=datetime.fromtimestamp(alert["hour"] * HOUR_SECONDS, tz=UTC),
        ceiling=settings.SIGN_IN_SMS_PER_HOUR,
        refused=int(alert.get("refused", 0)),
    )
