"""Second-factor pages for staff: verify with a code, or enrol an authenticator app."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from backoffice.two_factor import staff as staff_2fa


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


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
        if staff_2fa.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(staff_2fa.safe_next(request, home))
        form.add_error("token", _("That code is not right. Check it, wait a moment if you tried several times."))
    return TemplateResponse(
        request, "backoffice/two_factor/verify.html", {"form": form, "next": staff_2fa.safe_next(request, home)}
    )


@never_cache
def enrol(request):
    """Set up an authenticator app: QR code, first code, then backup codes shown once."""
    home = reverse("wagtailadmin_home")
    next_url = staff_2fa.safe_next(request, home)
    if staff_2fa.has_authenticator(request.user):
        return redirect(f"{reverse('lango_2fa_verify')}?{request.GET.urlencode()}")
    device = staff_2fa.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = staff_2fa.confirm_authenticator(request, device, form.cleaned_data["token"])
        if codes is not None:
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
