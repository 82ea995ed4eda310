"""Signing citizens in with their phone: a 6-digit code by SMS, then a fresh session.

The limits (one send a minute, three per quarter hour, ten a day; five wrong tries end a code; ten
wrong codes in a row lock the phone for 15 minutes) are kept by ``PhoneDevice``; this module asks
it, under a row lock, and only queues an SMS when a code was actually made. Across every number,
``sms.ceiling`` caps the codes sent in an hour. No user is created for a number until a code sent
to it is typed back.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_otp
from django.contrib.auth import login, logout
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from portal import drafts
from portal.citizens import citizen_for_phone, link_people, may_sign_in_as_citizen
from portal.middleware import start_citizen_session
from portal.models import PhoneDevice, SendRefusal, VerifyRefusal, VerifyResult
from sms.ceiling import reserve_sign_in_sms
from sms.outbox import enqueue

DEVICE_NAME = "SMS"

SEND_REFUSAL_MESSAGES = {
    SendRefusal.LOCKED: _("Too many wrong codes. You can try again in 15 minutes."),
    SendRefusal.TOO_SOON: _("We sent you a code less than a minute ago. Wait a minute, then ask again."),
    SendRefusal.TOO_MANY_RECENTLY: _("You asked for 3 codes in 15 minutes. Wait 15 minutes, then ask again."),
    SendRefusal.TOO_MANY_TODAY: _("You asked for 10 codes today. Try again tomorrow."),
}
UNAVAILABLE_MESSAGE = _("This number cannot be used to sign in here.")

BUSY_MESSAGE = _("We cannot send sign-in codes just now. Try again later, or ask us to call you back.")

VERIFY_REFUSAL_MESSAGES = {
    VerifyRefusal.LOCKED: _("Too many wrong codes. You can try again in 15 minutes."),
    VerifyRefusal.NO_CODE: _("This code no longer works. Ask for a new code."),
    VerifyRefusal.EXPIRED: _("This code has expired. Ask for a new code."),
    VerifyRefusal.WRONG: _("The code is not right. Check the SMS and try again."),
}


@dataclass(frozen=True)
class CodeRequest:
    """The outcome of asking for a code: sent, or why not (with a message for the person)."""

    sent: bool
    message: str = ""
    refusal: SendRefusal | None = None


def request_code(phone: str, language: str, *, known_holder: bool = False) -> CodeRequest:
    """Send a new sign-in code to the E.164 ``phone`` in ``language``, if the limits allow it.

    Nothing is queued when a limit refuses: a refused request costs no SMS. No user is created
    here (``verify_code`` does, once the code comes back). ``known_holder``: the request comes
    from a browser that signed in with this phone before, whose codes are counted apart.
    """
    if not may_sign_in_as_citizen(phone):
        return CodeRequest(sent=False, message=str(UNAVAILABLE_MESSAGE))
    with transaction.atomic():
        device, _created = PhoneDevice.objects.select_for_update().get_or_create(
            phone=phone, defaults={"name": DEVICE_NAME}
        )
        refusal = device.send_refusal(known_holder=known_holder)
        if refusal is not None:
            return CodeRequest(sent=False, message=str(SEND_REFUSAL_MESSAGES[refusal]), refusal=refusal)
        if not reserve_sign_in_sms():
            return CodeRequest(sent=False, message=str(BUSY_MESSAGE))
        code = device.issue_code(known_holder=known_holder)
        enqueue(phone, "sign_in_code", language, {"code": code}, essential=True)
    return CodeRequest(sent=True)


def verify_code(phone: str, code: str) -> tuple[VerifyResult, PhoneDevice | None]:
    """Check ``code`` for ``phone``; return the result and, when accepted, the device to sign in with.

    The citizen's user is made (or found) only now, when the phone has shown it receives our SMS.
    """
    with transaction.atomic():
        device = PhoneDevice.objects.select_for_update().filter(phone=phone).first()
        if device is None:
            return VerifyResult(False, VerifyRefusal.NO_CODE), None
        result = device.check_code(code)
        if not result.accepted:
            return result, None
        user = citizen_for_phone(phone)
        if user is None:
            return VerifyResult(False, VerifyRefusal.NO_CODE), None
        if device.user_id != user.pk:
            device.user = user
            device.save(update_fields=["user"])
    return result, device


def verify_message(result: VerifyResult) -> str:
    """What to tell the person about a refused code."""
    return str(VERIFY_REFUSAL_MESSAGES[result.refusal]) if result.refusal else ""


def sign_in(request, device: PhoneDevice) -> None:
    """Sign the device's citizen in: new session key, device recorded, people and draft attached."""
    user = device.user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    django_otp.login(request, device)
    start_citizen_session(request)
    link_people(user)
    drafts.adopt_session_draft(request)


def sign_out(request) -> None:
    """End the session and forget everything in it."""
    logout(request)


def safe_next_url(request, candidate: str | None, default: str) -> str:
    """Return ``candidate`` when it stays on this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
