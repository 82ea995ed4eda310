"""Sign in with a phone number and an SMS code; sign out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import signin
from portal.forms.signin import CodeForm, PhoneForm
from portal.limits import over_limit, release_code_try, reserve_code_try
from portal.tracked_cases import is_known_holder, vouch_holder
from portal.views.common import too_many_requests
from registry.phones import mask_phone

PHONE_KEY = "portal_sign_in_phone"
NEXT_KEY = "portal_sign_in_next"


def _send_code(request, phone: str) -> signin.CodeRequest | None:
    """Ask for a code unless a rate limit refuses (``None``)."""
    if over_limit(request, "sign_in_send"):
        return None
    return signin.request_code(phone, translation.get_language(), known_holder=is_known_holder(request, _tag(phone)))


def _tag(phone: str) -> str:
    """What the known-holder cookie remembers of a phone signed in with (kept apart from references)."""
    return "phone:" + phone


def sign_in(request):
    """Ask for the phone number and send it a code."""
    if request.method == "GET" and "next" in request.GET:
        request.session[NEXT_KEY] = signin.safe_next_url(request, request.GET["next"], "")
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        outcome = _send_code(request, phone)
        if outcome is None:
            return too_many_requests(request)
        if outcome.sent:
            request.session[PHONE_KEY] = phone
            return redirect("portal:sign_in_code")
        form.add_error("phone", outcome.message)
    return render(request, "portal/sign_in/phone.html", {"form": form})


def sign_in_code(request):
    """Check the code; on success start a fresh session and go where the person was going."""
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if over_limit(request, "sign_in_verify") or not reserve_code_try(request):
            return too_many_requests(request)
        if form.is_valid():
            result, device = signin.verify_code(phone, form.cleaned_data["code"])
            if device is not None:
                release_code_try(request)
                next_url = request.session.pop(NEXT_KEY, "")
                request.session.pop(PHONE_KEY, None)
                signin.sign_in(request, device)
                response = redirect(signin.safe_next_url(request, next_url, reverse("portal:account")))
                vouch_holder(request, response, _tag(phone))
                return response
            form.add_error("code", signin.verify_message(result))
    return render(request, "portal/sign_in/code.html", {"form": form, "masked_phone": mask_phone(phone)})


@require_POST
def resend_code(request):
    """Send a new code to the number given on the first page, if the limits allow."""
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("portal:sign_in")
    outcome = _send_code(request, phone)
    if outcome is None:
        return too_many_requests(request)
    if outcome.sent:
        messages.success(request, _("We sent you a new code."))
    else:
        messages.error(request, outcome.message)
    return redirect("portal:sign_in_code")


@require_POST
def sign_out(request):
    """Sign out and go home."""
    signin.sign_out(request)
    return redirect(reverse("portal:signed_out"))


def signed_out(request):
    """Say the person is signed out."""
    return render(request, "portal/sign_in/signed_out.html")
