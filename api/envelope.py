"""The DCI message envelope: reading a request's signature, header and message; writing answers.

Every DCI message is ``{"signature", "header", "message"}``. Answers carry Lango's own header
(a fresh ``message_id``, an aware timestamp, the action's ``on-`` form); errors use the envelope's
``message.ack_status = "ERR"`` with a code from the specification's list.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

VERSION = "1.0.0"
REG_TYPE = "ns:org:RegistryType:Social"
MAX_ID = 99

# The error codes of the DCI specification (``components.schemas.Error.code``).
ERROR_CODES = frozenset(
    {
        "err.request.bad",
        "err.request.unauthorized",
        "err.request.forbidden",
        "err.request.not_found",
        "err.request.timeout",
        "err.version.not_supported",
        "err.request.too_many_requests",
        "err.sender_id.invalid",
        "err.sender_uri.invalid",
        "err.receiver_id.invalid",
        "err.signature.missing",
        "err.signature.invalid",
        "err.encryption.invalid",
        "err.service.unavailable",
    }
)


# Header reason codes of the specification (``MsgHeaderStatusReasonCode``) for the errors they name.
HEADER_REASONS = {
    "version": "rjct.version.invalid",
    "message_ts": "rjct.message_ts.invalid",
    "action": "rjct.action.invalid",
}


class EnvelopeError(Exception):
    """A request that cannot be taken: its HTTP status, a DCI error code and a message for the partner.

    ``about`` names the header field at fault, when there is one (``version``, ``message_ts``,
    ``action``), for the header reason code of a sync answer.
    """

    def __init__(self, status: int, code: str, message: str, *, about: str = "", transaction_id: str = "") -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.about = about
        self.transaction_id = transaction_id


@dataclass(frozen=True)
class Envelope:
    """A parsed DCI request: the raw signature string, its header and its message."""

    signature: str
    header: dict
    message: dict

    @property
    def message_id(self) -> str:
        return str(self.header.get("message_id") or "")

    @property
    def action(self) -> str:
        return str(self.header.get("action") or "")

    @property
    def sender_uri(self) -> str:
        return str(self.header.get("sender_uri") or "")

    @property
    def transaction_id(self) -> str:
        return str(self.message.get("transaction_id") or "")


def now_iso() -> str:
    """The current time as DCI writes it: RFC 3339 with the offset."""
    return timezone.now().isoformat(timespec="milliseconds")


def new_id(prefix: str) -> str:
    """A fresh identifier for a message or a correlation, unique enough to never repeat."""
    return f"{prefix}-{uuid.uuid4().hex}"


def parse_timestamp(value) -> datetime | None:
    """An aware datetime from a DCI timestamp, or ``None`` when it is not one (a timezone is required)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def read_envelope(body: bytes, *, action: str) -> Envelope:
    """Parse and check a request body; raise ``EnvelopeError`` for anything a partner must fix."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EnvelopeError(400, "err.request.bad", "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise EnvelopeError(400, "err.request.bad", "The body must be a JSON object.")
    header, message, signature = data.get("header"), data.get("message"), data.get("signature", "")
    if not isinstance(header, dict):
        raise EnvelopeError(400, "err.request.bad", "The header is missing.")
    if not isinstance(message, dict):
        raise EnvelopeError(400, "err.request.bad", "The message is missing.")
    if signature is None:
        signature = ""
    if not isinstance(signature, str):
        raise EnvelopeError(400, "err.signature.invalid", "The signature must be a string.")
    version = header.get("version", VERSION)
    if version != VERSION:
        raise EnvelopeError(
            400, "err.version.not_supported", f"Version {VERSION} is the one supported.", about="version"
        )
    message_id = header.get("message_id")
    if not isinstance(message_id, str) or not message_id or len(message_id) > MAX_ID:
        raise EnvelopeError(400, "err.request.bad", "header.message_id must be a string of 1 to 99 characters.")
    if parse_timestamp(header.get("message_ts")) is None:
        raise EnvelopeError(
            400, "err.request.bad", "header.message_ts must be a date-time with its offset.", about="message_ts"
        )
    if header.get("action") != action:
        raise EnvelopeError(400, "err.request.bad", f"header.action must be {action!r} here.", about="action")
    transaction_id = message.get("transaction_id")
    if not isinstance(transaction_id, str) or not transaction_id or len(transaction_id) > MAX_ID:
        raise EnvelopeError(400, "err.request.bad", "message.transaction_id must be a string of 1 to 99 characters.")
    return Envelope(signature=signature, header=header, message=message)


def answer_header(action: str, *, receiver_id: str, status: str = "succ", count: int = 1, **extra) -> dict:
    """The header of an answer or a callback from Lango (``on-search``, ``notify``, …)."""
    return {
        "version": VERSION,
        "message_id": new_id("msg"),
        "message_ts": now_iso(),
        "action": action,
        "status": status,
        "total_count": count,
        "completed_count": count if status == "succ" else 0,
        "sender_id": settings.DCI_SENDER_ID,
        "receiver_id": receiver_id[:MAX_ID],
        "is_msg_encrypted": False,
        **extra,
    }


def ack(correlation_id: str, *, status: int = 202) -> JsonResponse:
    """The acknowledgement of an async request: its answer will come by callback."""
    return JsonResponse(
        {"message": {"ack_status": "ACK", "timestamp": now_iso(), "correlation_id": correlation_id}}, status=status
    )


def error_response(
    error: EnvelopeError, *, headers: dict | None = None, answer_action: str = "", empty_answer=None
) -> JsonResponse:
    """An error with its HTTP status, shaped as the endpoint's answers are.

    An async endpoint answers errors as a ``Response`` with ``ack_status: "ERR"``; a sync one as its
    own answer (``answer_action``, e.g. ``on-search``) with a rejected header and an empty message
    built by ``empty_answer(transaction_id, correlation_id)``. Both carry the specification's
    ``errors`` list, which is what a 401 or 403 is read as.
    """
    detail = {"code": error.code, "message": error.message[:999]}
    correlation_id = new_id("corr")
    if answer_action and empty_answer is not None and error.status not in (401, 403):
        header = answer_header(answer_action, receiver_id="", status="rjct", count=0)
        header["status_reason_message"] = error.message[:999]
        if error.about in HEADER_REASONS:
            header["status_reason_code"] = HEADER_REASONS[error.about]
        body = {"header": header, "message": empty_answer(error.transaction_id, correlation_id), "errors": [detail]}
    else:
        body = {
            "message": {"ack_status": "ERR", "timestamp": now_iso(), "correlation_id": correlation_id, "error": detail},
            "errors": [detail],
        }
    response = JsonResponse(body, status=error.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def signed(body: dict) -> dict:
    """Sign an outgoing message with Lango's key (``DCI_SIGNING_KEY``), or mark it unsigned."""
    from api.signatures import lango_private_key, sign

    key = lango_private_key()
    body["signature"] = (
        sign(key, sender_id=settings.DCI_SENDER_ID, key_id="1", header=body["header"], message=body["message"])
        if key
        else ""
    )
    return body
