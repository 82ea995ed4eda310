"""Partner systems: an administrator registers each one, its scopes and programmes, and its credentials.

The client secret is shown once, on the page that made it; every registration, change and new
secret is in the access log.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from api.models import Partner
from api.partners import give_credentials
from api.scopes import SCOPES
from api.signatures import load_public_key
from backoffice.pages import admin_page, require_permission
from grievances.audit import log_access
from grievances.models import AccessLog
from registry.models import Programme

MANAGE = "api.change_partner"


class PartnerForm(forms.ModelForm):
    callback_base_url = forms.URLField(
        label=gettext_lazy("callback address"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Callbacks and notifications are sent only to addresses that start with this."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may do"),
        choices=[(scope, description) for scope, description in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    programmes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Programmes"),
        queryset=Programme.objects.prefetch_related("names"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("The programmes whose applications it sees and acts on."),
    )

    class Meta:
        model = Partner
        fields = [
            "code",
            "name",
            "kind",
            "scopes",
            "every_programme",
            "programmes",
            "callback_base_url",
            "public_key",
            "requests_per_minute",
            "is_active",
        ]

    def clean_public_key(self) -> str:
        key = (self.cleaned_data.get("public_key") or "").strip()
        if key:
            try:
                load_public_key(key)
            except ValueError:
                raise forms.ValidationError(
                    _("This is not an Ed25519 public key (PEM, or base64 of its 32 bytes).")
                ) from None
        return key


def partner_list(request):
    """Every partner system, with what it may do."""
    require_permission(request.user, MANAGE)
    partners = Partner.objects.prefetch_related("programmes").order_by("name")
    return admin_page(request, "backoffice/partners/list.html", _("Partner systems"), {"partners": partners})


def partner_form(request, pk: int | None = None):
    """Register a partner (and make its credentials) or change one."""
    require_permission(request.user, MANAGE)
    partner = get_object_or_404(Partner, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        log_access(
            request.user, AccessLog.Action.CHANGE, saved, reason="partner registered" if not pk else "partner changed"
        )
        if pk:
            return redirect(reverse("lango_partners"))
        return _show_credentials(request, saved)
    title = _("Change a partner system") if partner else _("Register a partner system")
    trail = [(reverse("lango_partners"), _("Partner systems"))]
    return admin_page(request, "backoffice/partners/form.html", title, {"form": form, "partner": partner}, trail=trail)


@require_POST
def new_secret(request, pk: int):
    """Give the partner a new client secret: the old one and its tokens stop working at once."""
    require_permission(request.user, MANAGE)
    partner = get_object_or_404(Partner, pk=pk)
    log_access(request.user, AccessLog.Action.CHANGE, partner, reason="new client secret")
    return _show_credentials(request, partner)


def _show_credentials(request, partner: Partner):
    credentials = give_credentials(partner)
    trail = [(reverse("lango_partners"), _("Partner systems"))]
    return admin_page(
        request,
        "backoffice/partners/credentials.html",
        _("Credentials of %(partner)s") % {"partner": partner.name},
        {
            "partner": partner,
            "credentials": credentials,
            "token_url": request.build_absolute_uri("/api/v1/oauth/token/"),
        },
        trail=trail,
    )
