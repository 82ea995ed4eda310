"""Track a complaint: by reference and PIN, or by reference alone for its signed-in owner.

Without the owner's session, only the status, the due date and public replies are shown.
"""

from __future__ import annotations

from django.shortcuts import redirect, render

from grievances.tracking import TrackingError, check_reference, track_grievance
from portal.citizens import grievances_of_user, is_citizen, phone_of
from portal.client_ip import client_ip
from portal.forms.complaints import TrackForm
from portal.limits import over_limit
from portal.views.common import too_many_requests

# Which field a tracking error belongs to.
PIN_ERRORS = {"pin_required", "bad_pin", "locked"}


def track(request):
    """Ask for the reference (and PIN); show what the person may see of the case."""
    form = TrackForm(request.POST if request.method == "POST" else None)
    citizen = is_citizen(request)
    if request.method == "POST":
        if over_limit(request, "track"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                reference = check_reference(form.cleaned_data["reference"])
                if citizen and grievances_of_user(request.user).filter(reference=reference).exists():
                    return redirect("portal:account_complaint", reference=reference)
                case = track_grievance(
                    reference,
                    pin=form.cleaned_data["pin"],
                    phone=phone_of(request.user) if citizen else "",
                    requester=client_ip(request),
                )
            except TrackingError as error:
                form.add_error("pin" if error.code in PIN_ERRORS else "reference", str(error.message))
            else:
                return render(request, "portal/complaints/tracked.html", {"case": case})
    return render(request, "portal/complaints/track.html", {"form": form, "signed_in": citizen})
