"""The queue of call-back requests from every channel, and recording how each call went."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.pages import admin_page, require_permission
from grievances.audit import log_access
from grievances.models import AccessLog, CallbackRequest
from grievances.services import CALLBACK_PROMISE_HOURS, GrievanceError, record_callback_outcome

FINAL = [
    (CallbackRequest.Status.DONE, CallbackRequest.Status.DONE.label),
    (CallbackRequest.Status.NO_ANSWER, CallbackRequest.Status.NO_ANSWER.label),
    (CallbackRequest.Status.CANCELLED, CallbackRequest.Status.CANCELLED.label),
]


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("How did the call go?"), choices=FINAL, widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def callback_queue(request):
    """List call-back requests (waiting ones first, oldest first); the list is in the access log."""
    require_permission(request.user, "grievances.view_callbackrequest")
    status = request.GET.get("status", CallbackRequest.Status.PENDING)
    requests = CallbackRequest.objects.select_related("person", "handled_by", "requested_by")
    if status in CallbackRequest.Status.values:
        requests = requests.filter(status=status)
    requests = list(requests.order_by("created_at", "pk")[:200])
    now = timezone.now()
    for callback in requests:
        # The caller was promised a call within CALLBACK_PROMISE_HOURS of asking.
        callback.call_by = callback.created_at + timedelta(hours=CALLBACK_PROMISE_HOURS)
        callback.late = callback.status == CallbackRequest.Status.PENDING and callback.call_by < now
    log_access(
        request.user,
        AccessLog.Action.VIEW,
        object_type="grievances.callbackrequest",
        object_id="list",
        reason=f"call-back queue ({status})",
    )
    context = {
        "requests": requests,
        "status": status,
        "statuses": CallbackRequest.Status.choices,
        "can_handle": request.user.has_perm("grievances.handle_callbackrequest"),
        "form": OutcomeForm(),
    }
    return admin_page(request, "backoffice/callbacks/queue.html", _("Call-backs"), context)


@require_POST
def record_outcome(request, pk: int):
    """Record the outcome of one call-back (done, no answer, cancelled) with a note."""
    require_permission(request.user, "grievances.handle_callbackrequest")
    callback = get_object_or_404(CallbackRequest, pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the call went."))
    else:
        try:
            record_callback_outcome(callback, form.cleaned_data["status"], form.cleaned_data["note"], request.user)
        except GrievanceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Call-back recorded."))
    return redirect(reverse("lango_callbacks"))
