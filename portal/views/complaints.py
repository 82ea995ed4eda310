"""Make a complaint, with or without signing in, and anonymously if the person wishes.

An anonymous complaint keeps no phone, no name and no address: the reference and the PIN are shown
once, on the response to the form, and never written to the session.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from grievances.services import GrievanceError, file_grievance
from portal.citizens import is_citizen, people_of, phone_of
from portal.forms.complaints import COMPLAINT_CATEGORIES, ComplaintForm
from portal.limits import over_limit, phone_from_post
from portal.tracked_cases import vouch_holder
from portal.views.common import idempotency_key_from, new_form_token, too_many_requests


def _complainant_and_phone(request, related) -> tuple[object | None, str]:
    """Who complains: the applicant of the chosen application, else a person with the citizen's phone."""
    if related is not None:
        return related.application.applicant, ""
    phone = phone_of(request.user)
    person = people_of(request.user).filter(phone=phone).order_by("-created_at").first()
    return person, "" if person else phone


def _known_category(value: str | None) -> str | None:
    """A category named in the link that led here (e.g. from "My payments"), if it is one."""
    return value if value in dict(COMPLAINT_CATEGORIES) else None


def complain(request):
    """Take a complaint; show its reference (and PIN, once) on the response."""
    citizen = is_citizen(request)
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        user=request.user if citizen else None,
        initial={"token": new_form_token("complaint"), "category": _known_category(request.GET.get("category"))},
    )
    if request.method == "POST":
        anonymous = bool(request.POST.get("anonymous"))
        phone = "" if anonymous else (phone_of(request.user) if citizen else phone_from_post(request))
        if over_limit(request, "complaint", phone):
            return too_many_requests(request)
        if form.is_valid():
            data = form.cleaned_data
            complainant, phone = (None, "")
            if not data["anonymous"]:
                complainant, phone = (
                    _complainant_and_phone(request, data.get("related")) if citizen else (None, data["phone"])
                )
            try:
                result = file_grievance(
                    category=data["category"],
                    description=data["description"],
                    channel="web",
                    language=translation.get_language(),
                    complainant=complainant,
                    phone=phone,
                    anonymous=data["anonymous"],
                    related_programme_application=None if data["anonymous"] else data.get("related"),
                    related_payment=None if data["anonymous"] else data.get("payment"),
                    idempotency_key=idempotency_key_from(data["token"], "complaint"),
                    # Signed out, nothing proves the number is the filer's: its owner confirms it first.
                    phone_confirmed=citizen,
                )
            except GrievanceError as exc:
                form.add_error(None, exc.messages[0])
            else:
                grievance = result.grievance
                owned = citizen and grievance.complainant_id is not None
                response = render(
                    request,
                    "portal/complaints/done.html",
                    {
                        "grievance": grievance,
                        "pin": result.pin,
                        "created": result.created,
                        # The owner follows the case on their account page; the PIN is for everyone else.
                        "track_url": reverse("portal:account_complaint", args=[grievance.reference])
                        if owned
                        else reverse("portal:track"),
                        "awaiting_confirmation": bool(phone) and not citizen,
                    },
                )
                if result.pin:
                    vouch_holder(request, response, result.grievance.reference)
                return response
    return render(request, "portal/complaints/form.html", {"form": form})
