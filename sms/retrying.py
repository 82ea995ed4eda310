"""The retry schedule and the redaction rule, shared by sending (``sms.delivery``) and reports."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings

from sms.models import OutboundMessage
from sms.templates import policy


def retry_delays() -> list[timedelta]:
    """The base waits before the 2nd, 3rd, … attempt (``SMS_RETRY_DELAYS_SECONDS``)."""
    return [timedelta(seconds=s) for s in settings.SMS_RETRY_DELAYS_SECONDS]


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the ``attempts``-th failed attempt, with jitter; ``None`` once retries are spent.

    The jitter only lengthens a wait (by up to ``SMS_RETRY_JITTER_PERCENT``), so the schedule
    spans at least the sum of the base waits, and a backlog does not come back all at once.
    """
    delays = retry_delays()
    if attempts < 1 or attempts > len(delays):
        return None
    return delays[attempts - 1] * (1 + random.random() * settings.SMS_RETRY_JITTER_PERCENT / 100)


def redact_if_secret(message: OutboundMessage) -> list[str]:
    """Wipe a secret body (sign-in code) that will not be sent again; return the fields changed.

    The row keeps its template, status and history; only the words go.
    """
    if message.body_redacted or not policy(message.template).redact_once_sent:
        return []
    message.body = ""
    message.body_redacted = True
    return ["body", "body_redacted"]
