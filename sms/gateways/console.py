"""The development gateway: logs each message and reports it sent."""

from __future__ import annotations

import logging
import uuid

from sms.gateways import Outcome, SendResult

logger = logging.getLogger("sms.console")


class ConsoleGateway:
    """Delivers nothing; every message is logged and counted as sent."""

    def send(self, to: str, body: str) -> SendResult:
        logger.info("SMS to %s: %s", to, body)
        return SendResult(Outcome.SENT, provider_message_id=f"console-{uuid.uuid4().hex[:16]}")
