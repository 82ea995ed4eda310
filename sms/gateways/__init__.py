"""SMS gateways behind one small interface, chosen by the ``SMS_BACKEND`` setting.

A gateway alone turns its provider's answers into one of four outcomes: sent, retry later, failed
for good, or unconfirmed (the provider may have taken the message; nobody can tell yet). Nothing
else in the project knows a provider's status codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    # The request reached the provider but its answer says nothing sure (a timeout after sending,
    # an unreadable 2xx, an unknown status): sending again could deliver the message twice.
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class SendResult:
    """What became of one message to one recipient."""

    outcome: Outcome
    provider_message_id: str = ""
    reason: str = ""


class Gateway(Protocol):
    def send(self, to: str, body: str) -> SendResult:
        """Send ``body`` to the E.164 number ``to`` and say what became of it; never raise."""


GATEWAYS = {
    "console": "sms.gateways.console.ConsoleGateway",
    "africastalking": "sms.gateways.africastalking.AfricasTalkingGateway",
}


def get_gateway() -> Gateway:
    """Return the gateway named by ``settings.SMS_BACKEND``."""
    return import_string(GATEWAYS[settings.SMS_BACKEND])()
