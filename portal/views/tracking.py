"""Track a complaint: by reference and PIN, or by reference alone for its signed-in owner.

Without the owner's session, only the status, the due date and public replies are shown. Once
someone has shown the right PIN, this browser may, for a short while, come back to the case,
rate its answer and appeal it (``portal.tracked_cases``) without typing the PIN again.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from grievances.models import Grievance
from grievances.ratings import RatingError, can_rate, offers_appeal, rate_answer
from grievances.services import TransitionError, can_appeal_grievance, transition
from grievances.tracking import TrackingError, check_reference, public_view, track_grievance
from grievances.workflow import CitizenActor
from portal.citizens import grievances_of_user, is_citizen, phone_of
from portal.client_ip import client_ip
from portal.forms.account import AppealForm, RatingForm
from portal.forms.complaints import TrackForm
from portal.limits import over_limit
from portal.tracked_cases import is_known_holder, may_act_on, remember_tracked, vouch_holder
from portal.views.common import idempotency_key_from, new_form_token, too_many_requests

# Which field a tracking error belongs to.
PIN_ERRORS = {"pin_required", "bad_pin", "locked", "unavailable"}


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
                    known_holder=is_known_holder(request, reference),
                )
            except TrackingError as error:
                field = "pin" if error.code in PIN_ERRORS else (None if error.code == "unavailable" else "reference")
                form.add_error(field, str(error.message))
            else:
                remember_tracked(request, case.grievance.reference)
                response = _show(request, case.grievance)
                if form.cleaned_data["pin"]:
                    vouch_holder(request, response, case.grievance.reference)
                return response
    return render(request, "portal/complaints/track.html", {"form": form, "signed_in": citizen})


def _show(request, grievance: Grievance, rating_form: RatingForm | None = None, status: int = 200):
    reference = grievance.reference
    return render(
        request,
        "portal/complaints/tracked.html",
        {
            "case": public_view(grievance),
            "rating_form": rating_form or (RatingForm() if can_rate(grievance) else None),
            "rate_url": reverse("portal:tracked_case_rate", args=[reference]),
            "appeal_url": reverse("portal:tracked_case_appeal", args=[reference])
            if can_appeal_grievance(grievance)
            else "",
        },
        status=status,
    )


def _tracked_or_none(request, reference: str) -> Grievance | None:
    if not may_act_on(request, reference):
        return None
    return Grievance.objects.filter(reference=reference).first()


def _actor(reference: str) -> CitizenActor:
    return CitizenActor(channel="web", pin_checked_for=reference)


def tracked_case(request, reference: str):
    """Show again a case this browser tracked a moment ago (else ask for the reference and PIN)."""
    grievance = _tracked_or_none(request, reference)
    if grievance is None:
        return redirect("portal:track")
    return _show(request, grievance)


@require_POST
def rate_tracked_case(request, reference: str):
    """Take the rating of a tracked case's answer, then thank the person."""
    grievance = _tracked_or_none(request, reference)
    if grievance is None:
        return redirect("portal:track")
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _show(request, grievance, rating_form=form, status=400)
    try:
        rate_answer(grievance, form.cleaned_data["score"], _actor(reference))
    except RatingError as exc:
        messages.error(request, exc.message)
        return redirect("portal:tracked_case", reference=reference)
    return redirect("portal:tracked_case_rated", reference=reference)


def tracked_case_rated(request, reference: str):
    """Thank the person for their rating; after a poor one, the appeal is one click away."""
    grievance = _tracked_or_none(request, reference)
    if grievance is None or grievance.rating is None:
        return redirect("portal:track")
    return render(
        request,
        "portal/rated.html",
        {
            "grievance": grievance,
            "appeal_url": reverse("portal:tracked_case_appeal", args=[reference]) if offers_appeal(grievance) else "",
            "back_url": reverse("portal:tracked_case", args=[reference]),
        },
    )


def appeal_tracked_case(request, reference: str):
    """Appeal the answer to a tracked case; an anonymous appeal gets its own reference and PIN, shown once."""
    grievance = _tracked_or_none(request, reference)
    if grievance is None:
        return redirect("portal:track")
    if not can_appeal_grievance(grievance):
        return render(request, "portal/account/complaint_appeal_closed.html", {"grievance": grievance}, status=409)
    form = AppealForm(request.POST if request.method == "POST" else None, initial={"token": new_form_token("appeal")})
    if request.method == "POST":
        if over_limit(request, "appeal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                result = transition(
                    grievance,
                    "appeal",
                    _actor(reference),
                    text=form.cleaned_data["reason"],
                    language=translation.get_language(),
                    idempotency_key=idempotency_key_from(form.cleaned_data["token"], "appeal"),
                )
            except TransitionError as exc:
                form.add_error(None, exc.message)
            else:
                remember_tracked(request, result.appeal.reference)
                response = render(
                    request,
                    "portal/complaints/appeal_done.html",
                    {"grievance": result.appeal, "pin": result.pin, "created": result.pin is not None},
                )
                if result.pin:
                    vouch_holder(request, response, result.appeal.reference)
                return response
    return render(
        request,
        "portal/complaints/tracked_appeal.html",
        {"grievance": grievance, "form": form, "back_url": reverse("portal:tracked_case", args=[reference])},
    )
