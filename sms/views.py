"""Africa's Talking SMS callbacks: inbound messages and delivery reports.

Both are guarded by the secret token in the path (compared in constant time; anything else is a
404 and nothing is stored), accept only POST, validate every field and answer 200 fast.
"""

from __future__ import annotations

import hmac
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from registry.phones import normalise_phone
from sms.inbound import IncomingSms, receive_sms
from sms.reports import record_delivery_report

logger = logging.getLogger(__name__)

MAX_ID_LENGTH = 80
MAX_TEXT_LENGTH = 1600  # ten parts of GSM-7; longer texts are cut
_PROVIDER_ID = re.compile(r"^[\w.:@-]{1,80}$")
_STATUS = re.compile(r"^[A-Za-z]{1,20}$")


class BadCallback(Exception):
    """A callback field is missing or malformed."""


def token_is_valid(token: str) -> bool:
    """Compare ``token`` with ``AT_CALLBACK_TOKEN`` in constant time; an unset token matches nothing."""
    expected = settings.AT_CALLBACK_TOKEN
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _guard(request: HttpRequest, token: str) -> HttpResponse | None:
    if not token_is_valid(token):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _provider_id(value: str | None) -> str:
    value = (value or "").strip()
    if not _PROVIDER_ID.match(value):
        raise BadCallback("id")
    return value


def _phone(value: str | None, *, required: bool) -> str:
    value = (value or "").strip()
    if not value and not required:
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise BadCallback("phone") from exc


def _short(value: str | None, limit: int) -> str:
    return (value or "").strip()[:limit]


@csrf_exempt
def inbound(request: HttpRequest, token: str) -> HttpResponse:
    """Receive an SMS sent to our short code: ``from``, ``to``, ``text``, ``date``, ``id``, ``linkId``."""
    refused = _guard(request, token)
    if refused:
        return refused
    data = request.POST
    try:
        sms = IncomingSms(
            provider_id=_provider_id(data.get("id")),
            sender=_phone(data.get("from"), required=True),
            text=(data.get("text") or "")[:MAX_TEXT_LENGTH],
            to=_short(data.get("to"), 20),
            link_id=_short(data.get("linkId"), 80),
            network_code=_short(data.get("networkCode"), 10),
        )
    except BadCallback as exc:
        logger.warning("Inbound SMS callback refused: bad %s.", exc)
        return HttpResponseBadRequest(f"bad {exc}")
    receive_sms(sms)
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
def delivery_report(request: HttpRequest, token: str) -> HttpResponse:
    """Receive a delivery report: ``id``, ``status``, ``phoneNumber``, ``failureReason``, ``retryCount``."""
    refused = _guard(request, token)
    if refused:
        return refused
    data = request.POST
    try:
        provider_message_id = _provider_id(data.get("id"))
        status = (data.get("status") or "").strip()
        if not _STATUS.match(status):
            raise BadCallback("status")
        phone = _phone(data.get("phoneNumber"), required=False)
    except BadCallback as exc:
        logger.warning("Delivery report refused: bad %s.", exc)
        return HttpResponseBadRequest(f"bad {exc}")
    record_delivery_report(
        provider_message_id, status, phone=phone, failure_reason=_short(data.get("failureReason"), 60)
    )
    return HttpResponse("OK", content_type="text/plain")
