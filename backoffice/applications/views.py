"""Programme officers' view of an application to their programme, and the decision form.

Every view is in the access log. Only officers of the application's programme see it (others get
a 404), and a refusal needs a reason code and a sentence (``registry.decisions.decide``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages

from backoffice.masking import mask_phone
from backoffice.pages import admin_page
from grievances.audit import log_access
from grievances.models import AccessLog
from grievances.queries import seal_sensitive
from registry.decisions import OUTCOMES, DecisionError, RefusalReason, decide, visible_programme_applications
from registry.eligibility import advice_for_officer
from registry.models import ProgrammeApplication
from registry.references import format_reference


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(o.value, o.label) for o in OUTCOMES],
        widget=forms.RadioSelect,
    )
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason (needed for a refusal)"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    text = forms.CharField(
        label=gettext_lazy("Explain the decision in a sentence (needed for a refusal; the applicant reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


def application_page(request, pk: int):
    """Show one programme application to an officer of its programme, with the decision form."""
    if not request.user.has_perm("registry.decide_programmeapplication"):
        raise PermissionDenied
    requests = visible_programme_applications(request.user).select_related(
        "application__applicant__area", "application__household__area", "decided_by"
    )
    pa = get_object_or_404(requests, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide(
                pa,
                form.cleaned_data["outcome"],
                form.cleaned_data["reason_code"],
                form.cleaned_data["text"],
                request.user,
            )
        except DecisionError as error:
            form.add_error(None, error.message)
        else:
            log_access(request.user, AccessLog.Action.CHANGE, pa, reason="decision")
            messages.success(request, _("Decision recorded; the applicant will get an SMS."))
            return redirect("lango_applications:application", pk=pa.pk)
    log_access(request.user, AccessLog.Action.VIEW, pa, reason="application page")
    application = pa.application
    applicant = application.applicant
    context = {
        "pa": pa,
        "application": application,
        "applicant": applicant,
        "age": timezone.localdate().year - applicant.birth_year,
        "phone": mask_phone(applicant.phone),
        "household": application.household,
        "events": pa.events.select_related("actor").order_by("created_at", "id"),
        "reason_label": dict(RefusalReason.choices).get(pa.decision_reason_code, ""),
        "advice": advice_for_officer(pa),
        "appeals": seal_sensitive(pa.grievances.all(), request.user).order_by("created_at"),
        "form": form,
        "can_decide": pa.status
        in (
            ProgrammeApplication.Status.SUBMITTED,
            ProgrammeApplication.Status.UNDER_REVIEW,
            ProgrammeApplication.Status.WAITLISTED,
        ),
    }
    title = _("Application %(reference)s — %(programme)s") % {
        "reference": format_reference(application.reference),
        "programme": pa.programme.name(),
    }
    trail = [(reverse("lango_applications:index"), _("Applications"))]
    return admin_page(request, "backoffice/applications/detail.html", title, context, trail=trail)
