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
from ussd.events import record_session_end
from ussd.hop import Hop, answer_hop
from ussd.layout import budget_for
from ussd.session import load_session

DEFAULT_PHONE = "+254700000001"
NETWORK_CODE = "99999"
RIGHT_TO_LEFT = {"ar"}


def end_session(session_id: str, *, completed: bool) -> None:
    """Send the end-of-session event Africa's Talking would send, so the funnel report counts the session.

    ``completed`` is true when the service ended it (an ``END`` reply), false when the caller hung up.
    """
    record_session_end(
        {"sessionId": session_id, "status": "Success" if completed else "Incomplete", "networkCode": NETWORK_CODE}
    )


def screen_direction(session_id: str) -> str:
    """``rtl`` when the session's chosen language is written right to left, else ``ltr``."""
    state = load_session(session_id)
    return "rtl" if state is not None and state.language in RIGHT_TO_LEFT else "ltr"


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
    if request.method == "POST" and "hang_up" in request.POST:
        session_id = request.POST.get("session_id", "")
        if session_id:
            end_session(session_id, completed=False)
        context.update({"phone": request.POST.get("phone", DEFAULT_PHONE).strip() or DEFAULT_PHONE, "hung_up": True})
    elif request.method == "POST":
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
                network_code=NETWORK_CODE,
                text=text,
            )
        )
        screen = reply[4:]
        ended = reply.startswith("END")
        direction = screen_direction(session_id)
        if ended:
            end_session(session_id, completed=True)
        with contextlib.suppress(ValidationError):  # the reply already says the number is not valid
            phone = normalise_phone(phone)
        context.update(
            {
                "phone": phone,
                "session_id": session_id,
                "text": text,
                "screen": screen,
                "ended": ended,
                "direction": direction,
                "units": screen_length(screen),
                "budget": budget_for(screen),
                "encoding": "GSM-7" if is_gsm7(screen) else "UCS-2",
            }
        )
    return render(request, "ussd/simulator.html", context)
