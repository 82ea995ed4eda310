"""Second-factor pages for staff: verify with a code, or enrol an authenticator app."""

from __future__ import annotations

import math

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from backoffice.pages import admin_page, require_permission
from backoffice.two_factor import enrolment
from backoffice.two_factor import staff as staff_2fa


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


# Waits shorter than this (after one or two wrong codes) are not worth a sentence.
MENTION_WAIT_FROM = 3


def wait_message(seconds: int) -> str:
    """Too many wrong codes: every code, the right one too, is refused for ``seconds`` more seconds."""
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    else:
        wait = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    return gettext(
        "Too many wrong codes: every code is refused for %(wait)s more. Wait, then type the newest code from your app."
    ) % {"wait": wait}


@never_cache
def verify(request):
    """Ask for the code from the authenticator app (or a backup code) and verify the session."""
    home = reverse("wagtailadmin_home")
    if staff_2fa.is_verified_staff(request.user):
        return redirect(staff_2fa.safe_next(request, home))
    if not staff_2fa.has_authenticator(request.user):
        return redirect(f"{reverse('lango_2fa_enrol')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = staff_2fa.seconds_locked(request.user)
        if wait > 0:
            form.add_error("token", wait_message(wait))
        elif staff_2fa.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(staff_2fa.safe_next(request, home))
        else:
            wait = staff_2fa.seconds_locked(request.user)
            form.add_error("token", _("That code is not right.") if wait < MENTION_WAIT_FROM else wait_message(wait))
    return TemplateResponse(
        request, "backoffice/two_factor/verify.html", {"form": form, "next": staff_2fa.safe_next(request, home)}
    )


@never_cache
def enrol_link(request, token: str):
    """Open a one-time enrolment link: keep it in the session (out of later addresses) and go on to enrol."""
    if staff_2fa.has_authenticator(request.user):
        return redirect("lango_2fa_verify")
    if enrolment.device_for_link(token, request.user) is None:
        return TemplateResponse(request, "backoffice/two_factor/needs_link.html", {"refused": True}, status=404)
    request.session[enrolment.SESSION_KEY] = token
    return redirect("lango_2fa_enrol")


@never_cache
def enrol(request):
    """Set up an authenticator app (only with an administrator's link): QR code, first code, backup codes once."""
    home = reverse("wagtailadmin_home")
    next_url = staff_2fa.safe_next(request, home)
    if staff_2fa.has_authenticator(request.user):
        return redirect(f"{reverse('lango_2fa_verify')}?{request.GET.urlencode()}")
    device = enrolment.device_for_link(request.session.get(enrolment.SESSION_KEY, ""), request.user)
    if device is None:
        return TemplateResponse(request, "backoffice/two_factor/needs_link.html", {"refused": False})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = staff_2fa.confirm_authenticator(request, device, form.cleaned_data["token"])
        if codes is not None:
            request.session.pop(enrolment.SESSION_KEY, None)
            enrolment.record_enrolment(request.user)
            return TemplateResponse(
                request, "backoffice/two_factor/backup_codes.html", {"codes": codes, "next": next_url}
            )
        form.add_error("token", _("That code is not right. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": staff_2fa.qr_code_svg(device.config_url),
        "secret": staff_2fa.secret_for_display(device),
    }
    return TemplateResponse(request, "backoffice/two_factor/enrol.html", context)


ISSUE_PERMISSION = "auth.change_user"


def enrolment_links(request):
    """Administrators: the staff who have no authenticator yet, and a one-time enrolment link for each."""
    require_permission(request.user, ISSUE_PERMISSION)
    issued, replace_error = None, ""
    if request.method == "POST" and request.POST.get("action") == "replace":
        user = get_object_or_404(enrolment.staff_with_authenticator(), pk=_posted_pk(request))
        reason = " ".join(request.POST.get("reason", "").split())[:150]
        if not reason:
            replace_error = _("Say why the authenticator is replaced (for example: phone lost), then try again.")
        elif user.pk == request.user.pk:
            replace_error = _("You cannot replace your own authenticator: ask another administrator.")
        else:
            issued = {"user": user, "link": enrolment.replace_lost_authenticator(user, request.user, reason)}
    elif request.method == "POST":
        user = get_object_or_404(enrolment.staff_to_enrol(), pk=_posted_pk(request))
        issued = {"user": user, "link": enrolment.issue_link(user, request.user)}
    context = {
        "staff": enrolment.staff_to_enrol(),
        "enrolled": enrolment.staff_with_authenticator().exclude(pk=request.user.pk),
        "issued": issued,
        "replace_error": replace_error,
        "hours": enrolment.ENROLMENT_LINK_HOURS,
    }
    return admin_page(request, "backoffice/two_factor/enrolment_links.html", _("Authenticator enrolment"), context)


def _posted_pk(request) -> int:
    """The account number posted by the form (0, which matches nobody, when it is not a number)."""
    value = request.POST.get("user", "")
    return int(value) if value.isdigit() else 0
