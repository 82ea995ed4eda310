"""The USSD phone simulator (DEBUG only): a form that posts the next input to the same hop handler.

It works without JavaScript: the session id and the accumulated ``text`` travel in hidden fields,
exactly as Africa's Talking would accumulate them.
"""

from __future__ import annotations

import contextlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from registry.phones import normalise_phone
from sms.encoding import is_gsm7, screen_length
from ussd.hop import Hop, answer_hop
from ussd.layout import budget_for

DEFAULT_PHONE = "+254700000001"


def next_text(previous: str, value: str, *, started: bool) -> str:
    """The ``text`` AT would send after ``value`` is typed: inputs so far joined by ``*``."""
    if not started:
        return ""
    return f"{previous}*{value}" if previous else value


def simulator(request: HttpRequest) -> HttpResponse:
    """Show the phone; on POST, dial or send the typed input and show the reply."""
    if not settings.DEBUG:
        raise Http404
    context = {"phone": DEFAULT_PHONE, "service_code": settings.USSD_SERVICE_CODE}
    if request.method == "POST":
        phone = request.POST.get("phone", DEFAULT_PHONE).strip() or DEFAULT_PHONE
        dialling = "dial" in request.POST
        session_id = request.POST.get("session_id", "") if not dialling else ""
        session_id = session_id or "SIM" + secrets.token_hex(8)
        text = next_text(request.POST.get("text", ""), request.POST.get("input", ""), started=not dialling)
        reply = answer_hop(
            Hop(
                session_id=session_id,
                service_code=settings.USSD_SERVICE_CODE,
                phone_number=phone,
                network_code="99999",
                text=text,
            )
        )
        screen = reply[4:]
        with contextlib.suppress(ValidationError):  # the reply already says the number is not valid
            phone = normalise_phone(phone)
        context.update(
            {
                "phone": phone,
                "session_id": session_id,
                "text": text,
                "screen": screen,
                "ended": reply.startswith("END"),
                "units": screen_length(screen),
                "budget": budget_for(screen),
                "encoding": "GSM-7" if is_gsm7(screen) else "UCS-2",
            }
        )
    return render(request, "ussd/simulator.html", context)
