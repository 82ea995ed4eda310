"""Call-centre mode, personal data: a verified caller's copy of their data, and their consent.

The copy goes through ``privacy.mydata``: a ``DataCopy`` row names the agent and the reason, and
the access log records the export. A withdrawal of consent goes through ``registry.consent`` with
channel ``call_centre`` and the agent recorded, once the agent read the caller what follows.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.callcentre.views import _verified_person
from grievances.audit import log_access
from grievances.data_requests import request_correction, request_erasure
from grievances.models import AccessLog
from grievances.services import GrievanceError
from privacy.mydata import send_copy
from registry.consent import withdraw_consent
from registry.corrections import CORRECTABLE_FIELDS
from registry.models import Channel
from registry.references import format_reference


class SendCopyForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why (what the caller asked)"), max_length=200)
    by_sms = forms.BooleanField(
        label=gettext_lazy("Text the caller the link to their copy (they sign in with their phone to read it)"),
        required=False,
        initial=True,
    )


@require_POST
def send_data_copy(request, pk: int):
    """Send (or record as given) the copy of everything held about the verified caller."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    form = SendCopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the copy is sent."))
        return redirect("lango_callcentre_caller", pk=person.pk)
    send_copy(person, request.user, form.cleaned_data["reason"], by_sms=form.cleaned_data["by_sms"])
    if form.cleaned_data["by_sms"]:
        messages.success(request, _("The link to the caller's copy of their data is sent by SMS."))
    else:
        messages.success(request, _("The copy of the caller's data is recorded as given."))
    return redirect("lango_callcentre_caller", pk=person.pk)


@require_POST
def withdraw_caller_consent(request, pk: int):
    """Withdraw the verified caller's consent, once the agent confirms the caller heard what follows."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    if not request.POST.get("confirmed"):
        messages.error(request, _("Read the caller what follows and tick that they confirmed."))
        return redirect("lango_callcentre_caller", pk=person.pk)
    result = withdraw_consent([person], channel=Channel.CALL_CENTRE, actor=request.user)
    log_access(request.user, AccessLog.Action.CHANGE, person, reason="call centre: consent withdrawn")
    if result.consents:
        messages.success(
            request,
            _("Consent withdrawn. Applications stopped: %(count)s.") % {"count": len(result.stopped)},
        )
    else:
        messages.info(request, _("The caller has no consent to withdraw."))
    return redirect("lango_callcentre_caller", pk=person.pk)


@require_POST
def request_data_correction(request, pk: int):
    """File a request to correct the verified caller's details, as they state them."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    changes = {name: request.POST.get(name, "") for name in CORRECTABLE_FIELDS}
    try:
        case = request_correction(
            person,
            changes,
            request.POST.get("explanation", ""),
            channel=Channel.CALL_CENTRE,
            language=person.preferred_language,
            filed_by=request.user,
        )
    except GrievanceError as error:
        messages.error(request, error.messages[0])
        return redirect("lango_callcentre_caller", pk=person.pk)
    messages.success(
        request, _("Request filed: reference %(reference)s.") % {"reference": format_reference(case.reference)}
    )
    return redirect("lango_callcentre_caller", pk=person.pk)


@require_POST
def request_data_erasure(request, pk: int):
    """File a request to erase the verified caller's data, once the agent read them what it means."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    if not request.POST.get("confirmed"):
        messages.error(request, _("Read the caller what follows and tick that they confirmed."))
        return redirect("lango_callcentre_caller", pk=person.pk)
    case = request_erasure(
        person,
        request.POST.get("explanation", ""),
        channel=Channel.CALL_CENTRE,
        language=person.preferred_language,
        filed_by=request.user,
    )
    messages.success(
        request, _("Request filed: reference %(reference)s.") % {"reference": format_reference(case.reference)}
    )
    return redirect("lango_callcentre_caller", pk=person.pk)
