"""Africa's Talking, through the official SDK (``africastalking`` 2.0.3, pinned).

Only this module knows AT's status codes. It turns every answer into one of three outcomes:

* sent: per-recipient 100 Processed, 101 Sent, 102 Queued (AT's ``messageId`` is kept);
* retry later: HTTP 429 and 5xx, timeouts and refused connections, and the per-recipient codes
  that say nothing about the number itself: 401 RiskHold (AT holds the account for a risk review,
  which an operator can clear), 405 InsufficientBalance (a top-up clears it), 407 CouldNotRoute
  (the route to the operator is down, usually for minutes), 500 InternalServerError,
  501 GatewayError, 502 RejectedByGateway. HTTP 401 (a wrong API key) also waits for an operator
  to fix the key; the retry budget still fails the message in the end;
* failed for good: per-recipient 402 InvalidSenderId, 403 InvalidPhoneNumber,
  404 UnsupportedNumberType, 406 UserInBlacklist, any other HTTP 4xx, and a number the SDK itself
  rejects.

Unknown codes are retried (the retry budget bounds them) and logged.

The SDK has no base-URL setting and hides the HTTP status of a failed request: this module sets
the instance attributes ``_baseUrl``/``_contentUrl`` from ``AT_API_BASE_URL`` and records the
status by overriding the SDK's private POST helper. Both rely on version 2.0.3 and are covered by
tests against the fake AT server.
"""

from __future__ import annotations

import logging

import requests
from africastalking.Service import DEFAULT_TIMEOUT_S, AfricasTalkingException, Service
from africastalking.SMS import SMSService
from django.conf import settings

from sms.gateways import Outcome, SendResult

logger = logging.getLogger(__name__)

SENT_CODES = frozenset({100, 101, 102})
RETRY_CODES = frozenset({401, 405, 407, 500, 501, 502})
FAILED_CODES = frozenset({402, 403, 404, 406})


class _RecordingSMSService(SMSService):
    """The SDK's SMS service, remembering the HTTP status of the last answer it got."""

    last_status: int | None = None

    def _Service__make_post_request(self, url, headers, data, params, callback=None, timeout=DEFAULT_TIMEOUT_S):
        response = Service._Service__make_post_request(
            url=url, headers=headers, data=data, params=params, timeout=timeout
        )
        self.last_status = response.status_code
        return response


def outcome_for_status_code(code: int) -> Outcome:
    """Map a per-recipient ``statusCode`` to what we do with the message."""
    if code in SENT_CODES:
        return Outcome.SENT
    if code in FAILED_CODES:
        return Outcome.FAILED
    if code not in RETRY_CODES:
        logger.warning("Unknown Africa's Talking status code %s; will retry.", code)
    return Outcome.RETRY


def outcome_for_http_status(status: int | None) -> Outcome:
    """Map the HTTP status of a request AT did not accept to what we do with the message."""
    if status is None or status == 429 or status >= 500:
        return Outcome.RETRY
    if status == 401:
        logger.error("Africa's Talking refused our API key (HTTP 401); messages wait for the key to be fixed.")
        return Outcome.RETRY
    return Outcome.FAILED


class AfricasTalkingGateway:
    """Send one SMS through Africa's Talking and say whether it was sent, should be retried or failed."""

    def __init__(self) -> None:
        self.service = _RecordingSMSService(settings.AT_USERNAME, settings.AT_API_KEY)
        base_url = settings.AT_API_BASE_URL.rstrip("/")
        if base_url:
            self.service._baseUrl = base_url
            self.service._contentUrl = base_url
        self.timeout = settings.AT_TIMEOUT_SECONDS

    def send(self, to: str, body: str) -> SendResult:
        """Send ``body`` to ``to``; never raise for anything AT or the network does."""
        try:
            answer = self.service.send(body, [to], sender_id=settings.AT_SENDER_ID or None, timeout=self.timeout)
        except ValueError as exc:  # the SDK refuses numbers that are not +<digits>
            return SendResult(Outcome.FAILED, reason=f"invalid number: {exc}"[:200])
        except requests.Timeout:
            return SendResult(Outcome.RETRY, reason="timeout")
        except requests.RequestException as exc:
            return SendResult(Outcome.RETRY, reason=f"network: {type(exc).__name__}")
        except AfricasTalkingException as exc:
            status = self.service.last_status
            return SendResult(outcome_for_http_status(status), reason=f"HTTP {status}: {str(exc)[:120]}")
        return self._result_for(answer, to)

    def _result_for(self, answer, to: str) -> SendResult:
        if not isinstance(answer, dict):
            return SendResult(Outcome.RETRY, reason=f"unreadable answer: {str(answer)[:120]}")
        data = answer.get("SMSMessageData") or {}
        recipients = data.get("Recipients") or []
        entry = next((r for r in recipients if r.get("number") == to), recipients[0] if recipients else None)
        if entry is None:
            return SendResult(Outcome.RETRY, reason=f"no recipient in answer: {str(data.get('Message'))[:120]}")
        try:
            code = int(entry.get("statusCode"))
        except (TypeError, ValueError):
            return SendResult(Outcome.RETRY, reason=f"no status code: {str(entry)[:120]}")
        outcome = outcome_for_status_code(code)
        reason = f"{code} {entry.get('status', '')}".strip()
        if outcome is Outcome.SENT:
            return SendResult(Outcome.SENT, provider_message_id=str(entry.get("messageId", ""))[:80], reason=reason)
        return SendResult(outcome, reason=reason[:200])
