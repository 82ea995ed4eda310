"""My account: applications and their timelines, appeals, withdrawal (one programme or all), complaints, SMS.

Every object is looked up among the signed-in citizen's own: anyone else's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grievances.models import Category, Grievance
from grievances.ratings import RatingError, can_rate, offers_appeal, rate_answer
from grievances.services import (
    GrievanceError,
    TransitionError,
    can_appeal_grievance,
    can_appeal_programme_application,
    file_grievance,
    transition,
)
from grievances.workflow import CitizenActor
from portal import preferences
from portal.citizens import (
    applications_of_user,
    grievances_of_user,
    payments_of_user,
    phone_of,
    programme_applications_of_user,
)
from portal.forms.account import AppealForm, LanguageForm, RatingForm, SmsForm
from portal.limits import over_limit
from portal.views.common import citizen_required, idempotency_key_from, new_form_token, too_many_requests
from registry.appeals import appeal_deadline
from registry.notifications import list_separator
from registry.services import WITHDRAWABLE_STATUSES, ApplicationError, withdraw_application


@citizen_required
def overview(request):
    """Applications and complaints at a glance."""
    return render(
        request,
        "portal/account/overview.html",
        {
            "phone": phone_of(request.user),
            "applications": applications_of_user(request.user),
            "grievances": grievances_of_user(request.user),
            "payments": payments_of_user(request.user),
        },
    )


def _own_application(request, reference: str):
    return get_object_or_404(applications_of_user(request.user), reference=reference)


@citizen_required
def application_detail(request, reference: str):
    """One application: each programme's status and decision, what can be done, and the public timeline."""
    application = _own_application(request, reference)
    requests = list(application.programme_applications.all())
    rows = [
        {
            "pa": pa,
            "can_appeal": can_appeal_programme_application(pa),
            "appeal_until": appeal_deadline(pa.decided_at) if pa.decided_at else None,
        }
        for pa in requests
    ]
    return render(
        request,
        "portal/account/application.html",
        {
            "application": application,
            "rows": rows,
            "events": application.events.filter(is_public=True).select_related("programme_application__programme"),
            "can_withdraw": any(pa.status in WITHDRAWABLE_STATUSES for pa in requests),
            "withdrawable": {pa.pk for pa in requests if pa.status in WITHDRAWABLE_STATUSES},
        },
    )


@citizen_required
def withdraw(request, reference: str, programme: str | None = None):
    """Ask to confirm, then withdraw one programme request of the application, or every undecided one."""
    application = _own_application(request, reference)
    requests = list(application.programme_applications.select_related("programme"))
    chosen = None
    if programme is not None:
        chosen = next((pa for pa in requests if pa.programme.code == programme), None)
        if chosen is None:
            raise Http404
    undecided = [pa for pa in requests if pa.status in WITHDRAWABLE_STATUSES]
    error = ""
    if request.method == "POST":
        try:
            withdrawn = withdraw_application(
                application,
                person=application.applicant,
                channel="web",
                programme_codes=None if chosen is None else [chosen.programme.code],
            )
        except ApplicationError as exc:
            error = exc.messages[0]
        else:
            names = [pa.programme.name() for pa in requests if pa.programme.code in withdrawn]
            separator = list_separator(translation.get_language())
            messages.success(
                request,
                _("You withdrew your application to %(programmes)s.") % {"programmes": separator.join(names)},
            )
            return redirect("portal:account_application", reference=application.reference)
    return render(
        request,
        "portal/account/withdraw.html",
        {
            "application": application,
            "chosen": chosen,
            "undecided": undecided,
            "others_stay": chosen is not None and any(pa != chosen for pa in undecided),
            "error": error,
        },
    )


@citizen_required
def appeal(request, reference: str, programme: str):
    """Appeal a refusal in the person's own words, while the appeal window is open."""
    pa = get_object_or_404(
        programme_applications_of_user(request.user), application__reference=reference, programme__code=programme
    )
    if not can_appeal_programme_application(pa):
        return render(request, "portal/account/appeal_closed.html", {"pa": pa}, status=409)
    form = AppealForm(request.POST if request.method == "POST" else None, initial={"token": new_form_token("appeal")})
    if request.method == "POST":
        if over_limit(request, "appeal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                result = file_grievance(
                    kind=Grievance.Kind.APPEAL,
                    category=Category.DECISION_APPEAL,
                    description=form.cleaned_data["reason"],
                    related_programme_application=pa,
                    complainant=pa.application.applicant,
                    channel="web",
                    language=translation.get_language(),
                    idempotency_key=idempotency_key_from(form.cleaned_data["token"], "appeal"),
                )
            except GrievanceError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("We received your appeal."))
                return redirect("portal:account_complaint", reference=result.grievance.reference)
    return render(request, "portal/account/appeal.html", {"pa": pa, "form": form})


def _complaint_page(request, grievance: Grievance, rating_form: RatingForm | None = None, status: int = 200):
    decided_at = grievance.resolved_at or grievance.closed_at
    return render(
        request,
        "portal/account/complaint.html",
        {
            "grievance": grievance,
            "events": grievance.events.filter(is_public=True),
            "can_appeal": can_appeal_grievance(grievance),
            "appeal_until": appeal_deadline(decided_at) if decided_at else None,
            "rating_form": rating_form or (RatingForm() if can_rate(grievance) else None),
            "rate_url": reverse("portal:account_complaint_rate", args=[grievance.reference]),
        },
        status=status,
    )


@citizen_required
def complaint_detail(request, reference: str):
    """One of the citizen's complaints or appeals with its public timeline (and, once answered, a rating)."""
    return _complaint_page(request, get_object_or_404(grievances_of_user(request.user), reference=reference))


@citizen_required
def complaint_rate(request, reference: str):
    """Take the citizen's rating of the answer to one of their complaints, then thank them."""
    grievance = get_object_or_404(grievances_of_user(request.user), reference=reference)
    if request.method != "POST":
        return redirect("portal:account_complaint", reference=reference)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _complaint_page(request, grievance, rating_form=form, status=400)
    actor = CitizenActor(channel="web", person=grievance.complainant, phone=phone_of(request.user))
    try:
        rate_answer(grievance, form.cleaned_data["score"], actor)
    except RatingError as exc:
        messages.error(request, exc.message)
        return redirect("portal:account_complaint", reference=reference)
    return redirect("portal:account_complaint_rated", reference=reference)


@citizen_required
def complaint_rated(request, reference: str):
    """Thank the citizen for their rating; after a poor one, the appeal is one click away."""
    grievance = get_object_or_404(grievances_of_user(request.user), reference=reference)
    if grievance.rating is None:
        return redirect("portal:account_complaint", reference=reference)
    offer = offers_appeal(grievance)
    return render(
        request,
        "portal/rated.html",
        {
            "grievance": grievance,
            "appeal_url": reverse("portal:account_complaint_appeal", args=[reference]) if offer else "",
            "back_url": reverse("portal:account_complaint", args=[reference]),
        },
    )


@citizen_required
def complaint_appeal(request, reference: str):
    """Appeal the answer to one of the citizen's complaints, while the appeal window is open."""
    grievance = get_object_or_404(grievances_of_user(request.user), reference=reference)
    if not can_appeal_grievance(grievance):
        return render(request, "portal/account/complaint_appeal_closed.html", {"grievance": grievance}, status=409)
    form = AppealForm(request.POST if request.method == "POST" else None, initial={"token": new_form_token("appeal")})
    if request.method == "POST":
        if over_limit(request, "appeal"):
            return too_many_requests(request)
        if form.is_valid():
            actor = CitizenActor(channel="web", person=grievance.complainant, phone=phone_of(request.user))
            try:
                result = transition(
                    grievance,
                    "appeal",
                    actor,
                    text=form.cleaned_data["reason"],
                    language=translation.get_language(),
                    idempotency_key=idempotency_key_from(form.cleaned_data["token"], "appeal"),
                )
            except TransitionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("We received your appeal."))
                return redirect("portal:account_complaint", reference=result.appeal.reference)
    return render(request, "portal/account/complaint_appeal.html", {"grievance": grievance, "form": form})


@citizen_required
def language(request):
    """Choose the language of this site and of our SMS."""
    phone = phone_of(request.user)
    current = preferences.preference_for(phone)
    form = LanguageForm(
        request.POST if request.method == "POST" else None,
        initial={"language": (current and current.language) or translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        preferences.set_language(phone, chosen)
        with translation.override(chosen):
            messages.success(request, _("We will use this language with you."))
            return HttpResponseRedirect(reverse("portal:account"))
    return render(request, "portal/account/language.html", {"form": form})


@citizen_required
def sms(request):
    """Opt out of (or back into) SMS that are not essential."""
    phone = phone_of(request.user)
    current = preferences.preference_for(phone)
    form = SmsForm(
        request.POST if request.method == "POST" else None, initial={"opt_out": bool(current and current.sms_opt_out)}
    )
    if request.method == "POST" and form.is_valid():
        preferences.set_sms_opt_out(phone, form.cleaned_data["opt_out"])
        messages.success(request, _("Your SMS choice is saved."))
        return redirect("portal:account")
    return render(request, "portal/account/sms.html", {"form": form})
