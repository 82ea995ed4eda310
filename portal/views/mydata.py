"""My data: everything Lango holds about the signed-in citizen (a page and a JSON download), and consent.

Each reading and each download is recorded (``privacy.DataCopy``). Withdrawing consent says what
follows before the citizen confirms (``registry.consent``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from grievances.data_requests import open_data_request, request_correction, request_erasure
from grievances.models import DataRequest
from grievances.services import GrievanceError
from portal.citizens import people_of, phone_of
from portal.forms.mydata import CorrectionForm, ErasureForm
from portal.views.common import citizen_required
from privacy.models import DataCopy
from privacy.mydata import collect, record_copy
from registry.consent import what_follows, withdraw_consent


def _copy(request, how: str):
    people = list(people_of(request.user))
    phone = phone_of(request.user)
    language = translation.get_language()
    data = collect(people, phone, language)
    record_copy(people, phone, how, language)
    return data


@citizen_required
def my_data(request):
    """Every record held about the citizen, section by section, with how long each kind is kept."""
    return render(request, "portal/account/my_data.html", {"data": _copy(request, DataCopy.How.PAGE)})


@citizen_required
def my_data_download(request):
    """The same, as a JSON file (keys stable, labels and values in the citizen's language)."""
    data = _copy(request, DataCopy.How.DOWNLOAD)
    response = HttpResponse(data.as_json_bytes(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lango-my-data-{data.made_at:%Y%m%d}.json"'
    response["Cache-Control"] = "no-store"
    return response


@citizen_required
def consent(request):
    """Say what withdrawing consent does (which requests stop, which stay), then withdraw it on confirmation."""
    people = list(people_of(request.user))
    follows = what_follows(people)
    if request.method == "POST" and follows.has_consent:
        result = withdraw_consent(people, channel="web")
        messages.success(
            request,
            _("Your consent is withdrawn. Applications stopped: %(count)s. Your complaints go on.")
            % {"count": len(result.stopped)},
        )
        return redirect("portal:account")
    return render(request, "portal/account/consent.html", {"follows": follows})


def _own_person(request):
    return people_of(request.user).select_related("area").order_by("-created_at").first()


@citizen_required
def correction(request):
    """Ask for details to be corrected: a case decided by an officer, answered like a complaint."""
    person = _own_person(request)
    if person is None:
        return render(request, "portal/account/data_request_none.html")
    waiting = open_data_request(person, DataRequest.Kind.CORRECTION)
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and waiting is None and form.is_valid():
        data = dict(form.cleaned_data)
        explanation = data.pop("explanation", "")
        try:
            case = request_correction(person, data, explanation, channel="web", language=translation.get_language())
        except GrievanceError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("We received your request. An officer will answer it."))
            return redirect("portal:account_complaint", reference=case.reference)
    return render(request, "portal/account/correction.html", {"form": form, "person": person, "waiting": waiting})


@citizen_required
def erasure(request):
    """Ask for one's data to be erased, after reading what is erased and what must be kept."""
    person = _own_person(request)
    if person is None:
        return render(request, "portal/account/data_request_none.html")
    waiting = open_data_request(person, DataRequest.Kind.ERASURE)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and waiting is None and form.is_valid():
        case = request_erasure(
            person, form.cleaned_data["explanation"], channel="web", language=translation.get_language()
        )
        messages.success(request, _("We received your request. An officer will answer it."))
        return redirect("portal:account_complaint", reference=case.reference)
    return render(request, "portal/account/erasure.html", {"form": form, "waiting": waiting})
