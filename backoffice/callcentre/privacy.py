"""Call-centre mode, personal data: send a verified caller the copy of their data, on the record.

The copy goes through ``privacy.mydata``: a ``DataCopy`` row names the agent and the reason, and
the access log records the export.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.callcentre.views import _verified_person
from privacy.mydata import send_copy


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
