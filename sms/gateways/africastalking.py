"""Africa's Talking, through the official SDK (``africastalking`` 2.0.3, pinned).

Only this module knows AT's status codes. It turns every answer into one of four outcomes:

* sent: per-recipient 100 Processed, 101 Sent, 102 Queued (AT's ``messageId`` is kept), and an
  older answer's recipient with ``"status": "Success"`` and a ``messageId`` but no ``statusCode``;
* retry later: HTTP 429 and 5xx, refused connections and connect timeouts (AT never got the
  request), and the per-recipient codes that say nothing about the number itself: 401 RiskHold
  (AT holds the account for a risk review, which an operator can clear), 405 InsufficientBalance
  (a top-up clears it), 407 CouldNotRoute (the route to the operator is down, usually for
  minutes), 500 InternalServerError, 501 GatewayError, 502 RejectedByGateway. HTTP 401 (a wrong
  API key) also waits for an operator to fix the key; the retry budget still fails the message;
* failed for good: per-recipient 402 InvalidSenderId, 403 InvalidPhoneNumber,
  404 UnsupportedNumberType, 406 UserInBlacklist, 409 DoNotDisturbRejection, a 2xx answer that
  lists no recipient at all (``{"Message": "InvalidSenderId", "Recipients": []}``: AT took
  nothing), any other HTTP 4xx, and a number the SDK itself rejects;
* unconfirmed: AT may have taken the message: a read timeout or a connection lost after the
  request was sent, a 2xx answer that cannot be fully read (``"Recipients": ["oops"]``, a body
  that is not JSON), an unknown status code or status name, any unexpected error once the request
  left. The outbox then waits for a delivery report instead of sending blindly again.

AT's answer is read whatever its ``Content-Type`` charset: the SDK parses JSON only when the
header is exactly ``application/json`` and otherwise returns the text, which is parsed here.

The SDK has no base-URL setting and hides the HTTP status of a failed request: this module sets
the instance attributes ``_baseUrl``/``_contentUrl`` from ``AT_API_BASE_URL`` and records the
status by overriding the SDK's private POST helper. Both rely on version 2.0.3 and are covered by
tests against the fake AT server.
"""

from __future__ import annotations

import json
import logging

import requests
from africastalking.Service import DEFAULT_TIMEOUT_S, AfricasTalkingException, Service
from africastalking.SMS import SMSService
from django.conf import settings
from urllib3.exceptions import NewConnectionError

from sms.gateways import Outcome, SendResult

logger = logging.getLogger(__name__)

SENT_CODES = frozenset({100, 101, 102})
RETRY_CODES = frozenset({401, 405, 407, 500, 501, 502})
FAILED_CODES = frozenset({402, 403, 404, 406, 409})
# Recipient ``status`` names, for answers that carry no ``statusCode``.
SENT_NAMES = frozenset({"Processed", "Sent", "Success", "Queued"})
RETRY_NAMES = frozenset(
    {"RiskHold", "InsufficientBalance", "CouldNotRoute", "InternalServerError", "GatewayError", "RejectedByGateway"}
)
FAILED_NAMES = frozenset(
    {"InvalidSenderId", "InvalidPhoneNumber", "UnsupportedNumberType", "UserInBlacklist", "DoNotDisturbRejection"}
)


class _RecordingSMSService(SMSService):
    """The SDK's SMS service, remembering the HTTP status of the last answer it got."""

    last_status: int | None = None
    request_started: bool = False

    def _Service__make_post_request(self, url, headers, data, params, callback=None, timeout=DEFAULT_TIMEOUT_S):
        self.request_started = True
        response = Service._Service__make_post_request(
            url=url, headers=headers, data=data, params=params, timeout=timeout
        )
        self.last_status = response.status_code
        return response


def outcome_for_status_code(code: int) -> Outcome:
    """Map a per-recipient ``statusCode`` to what we do with the message (unknown: unconfirmed)."""
    if code in SENT_CODES:
        return Outcome.SENT
    if code in FAILED_CODES:
        return Outcome.FAILED
    if code in RETRY_CODES:
        return Outcome.RETRY
    logger.warning("Unknown Africa's Talking status code %s; the message is unconfirmed.", code)
    return Outcome.UNCONFIRMED


def outcome_for_status_name(name: str) -> Outcome:
    """Map a per-recipient ``status`` name (answers without ``statusCode``) to what we do."""
    if name in SENT_NAMES:
        return Outcome.SENT
    if name in FAILED_NAMES:
        return Outcome.FAILED
    if name in RETRY_NAMES:
        return Outcome.RETRY
    logger.warning("Unknown Africa's Talking status %r; the message is unconfirmed.", name)
    return Outcome.UNCONFIRMED


def outcome_for_http_status(status: int | None) -> Outcome:
    """Map the HTTP status of a request AT did not accept to what we do with the message."""
    if status is None or status == 429 or status >= 500:
        return Outcome.RETRY
    if status == 401:
        logger.error("Africa's Talking refused our API key (HTTP 401); messages wait for the key to be fixed.")
        return Outcome.RETRY
    return Outcome.FAILED


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Tell whether a connection error happened before AT could read our request (refused, no route)."""
    stack: list = [exc]
    seen: set[int] = set()
    while stack:
        error = stack.pop()
        if not isinstance(error, BaseException) or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, NewConnectionError | ConnectionRefusedError | requests.ConnectTimeout):
            return True
        stack += [getattr(error, "reason", None), error.__cause__, error.__context__, *error.args]
    return False


class AfricasTalkingGateway:
    """Send one SMS through Africa's Talking and say whether it was sent, retried, failed or unconfirmed."""

    def __init__(self) -> None:
        self.service = _RecordingSMSService(settings.AT_USERNAME, settings.AT_API_KEY)
        base_url = settings.AT_API_BASE_URL.rstrip("/")
        if base_url:
            self.service._baseUrl = base_url
            self.service._contentUrl = base_url
        self.timeout = settings.AT_TIMEOUT_SECONDS

    def send(self, to: str, body: str) -> SendResult:
        """Send ``body`` to ``to``; never raise, whatever AT, the network or the SDK does."""
        self.service.last_status = None
        self.service.request_started = False
        try:
            answer = self.service.send(body, [to], sender_id=settings.AT_SENDER_ID or None, timeout=self.timeout)
        except requests.ConnectTimeout:
            return SendResult(Outcome.RETRY, reason="connect timeout")
        except requests.Timeout:
            return SendResult(Outcome.UNCONFIRMED, reason="timeout after sending")
        except requests.ConnectionError as exc:
            if _never_connected(exc):
                return SendResult(Outcome.RETRY, reason=f"network: {type(exc).__name__}")
            return SendResult(Outcome.UNCONFIRMED, reason=f"connection lost after sending: {type(exc).__name__}")
        except AfricasTalkingException as exc:
            status = self.service.last_status
            return SendResult(outcome_for_http_status(status), reason=f"HTTP {status}: {str(exc)[:120]}")
        except Exception as exc:  # the gateway never raises
            if not self.service.request_started:
                if isinstance(exc, ValueError):  # the SDK refuses numbers that are not +<digits>
                    return SendResult(Outcome.FAILED, reason=f"invalid number: {exc}"[:200])
                logger.exception("SMS gateway error before sending")
                return SendResult(Outcome.RETRY, reason=f"error: {type(exc).__name__}")
            if self.service.last_status is not None and 200 <= self.service.last_status < 300:
                return SendResult(Outcome.UNCONFIRMED, reason=f"unreadable answer: {type(exc).__name__}")
            logger.exception("SMS gateway error after sending")
            return SendResult(Outcome.UNCONFIRMED, reason=f"error after sending: {type(exc).__name__}")
        return result_for_answer(answer, to)


def result_for_answer(answer: object, to: str) -> SendResult:
    """Read a 2xx answer (a dict, or the text the SDK returns for a charset-qualified JSON answer)."""
    if isinstance(answer, bytes | str):
        try:
            answer = json.loads(answer)
        except ValueError:
            return SendResult(Outcome.UNCONFIRMED, reason=f"unreadable answer: {_clip(answer)}")
    if not isinstance(answer, dict) or not isinstance(answer.get("SMSMessageData"), dict):
        return SendResult(Outcome.UNCONFIRMED, reason=f"unreadable answer: {_clip(answer)}")
    data = answer["SMSMessageData"]
    recipients = data.get("Recipients")
    if recipients == []:
        # AT took nothing (InvalidSenderId and kin): sending again would be refused the same way.
        return SendResult(Outcome.FAILED, reason=f"no recipient: {_clip(data.get('Message'))}")
    if not isinstance(recipients, list) or not all(isinstance(r, dict) for r in recipients):
        return SendResult(Outcome.UNCONFIRMED, reason=f"unreadable recipients: {_clip(recipients)}")
    entry = next((r for r in recipients if r.get("number") == to), recipients[0])
    message_id = entry.get("messageId")
    message_id = str(message_id)[:80] if message_id not in (None, "", "None") else ""
    name = str(entry.get("status") or "")
    code = entry.get("statusCode")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    if code is not None:
        outcome = outcome_for_status_code(code)
        reason = f"{code} {name}".strip()
    elif name:
        outcome = outcome_for_status_name(name)
        reason = name
    else:
        outcome, reason = Outcome.UNCONFIRMED, f"no status: {_clip(entry)}"
    if outcome is Outcome.SENT:
        return SendResult(Outcome.SENT, provider_message_id=message_id, reason=reason[:200])
    if outcome is Outcome.UNCONFIRMED:
        return SendResult(Outcome.UNCONFIRMED, provider_message_id=message_id, reason=reason[:200])
    return SendResult(outcome, reason=reason[:200])


def _clip(value: object) -> str:
    return str(value)[:120]
