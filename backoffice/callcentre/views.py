"""Call-centre mode: find a caller, verify them, see their cases, act for them on the record.

Before verification the agent sees only how many records match — no name, no date, no district.
The agent types the two facts the caller states and the record is compared on the server. Every
action taken for a caller goes through the same services as the citizen's own channels, with
channel ``call_centre`` and the agent recorded (``filed_by``, ``submitted_by``, the event's actor).
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from backoffice.pages import admin_page, require_permission
from grievances import caller_verification as callers
from grievances import workflow
from grievances.audit import log_access
from grievances.models import COMPLAINT_FORM_EXCLUDED, AccessLog, CallbackRequest, Category, Grievance
from grievances.services import (
    GrievanceError,
    TransitionError,
    can_appeal_programme_application,
    file_grievance,
    request_callback,
    transition,
)
from registry.consent import what_follows
from registry.decisions import RefusalReason
from registry.formatting import income_band_choices
from registry.models import AdminArea, Channel, Person, Programme, ProgrammeApplication, Sex
from registry.phones import normalise_mobile_phone
from registry.references import format_reference
from registry.services import ApplicantDetails, ApplicationError, HouseholdDetails, submit_application

PERMISSION = "registry.act_on_behalf"
CALL_CENTRE = Channel.CALL_CENTRE


def _districts():
    return AdminArea.objects.filter(level=AdminArea.Level.DISTRICT).order_by("name")


class FindCallerForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Phone number or reference"), max_length=40)


class VerifyForm(forms.Form):
    stated_birth = forms.CharField(
        label=gettext_lazy("Date or year of birth, as the caller says it"),
        help_text=gettext_lazy("For example 14/03/1956 or 1956."),
        max_length=12,
    )
    stated_district = forms.ModelChoiceField(
        label=gettext_lazy("District, as the caller says it"), queryset=AdminArea.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stated_district"].queryset = _districts()


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about?"),
        choices=[(value, label) for value, label in Category.choices if value not in COMPLAINT_FORM_EXCLUDED],
    )
    description = forms.CharField(label=gettext_lazy("What happened, in the caller's words"), widget=forms.Textarea)
    phone = forms.CharField(label=gettext_lazy("Phone to answer on (leave empty for anonymous)"), required=False)

    def clean_phone(self) -> str:
        """Answers go by SMS: a mobile number of the served regions, or none (anonymous)."""
        value = self.cleaned_data.get("phone", "")
        return normalise_mobile_phone(value) if value else ""


class CallbackForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why should we call back?"), choices=CallbackRequest.Reason.choices)
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False)


class AppealForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Why the decision should change"), widget=forms.Textarea)


class ApplicationForm(forms.Form):
    given_name = forms.CharField(label=gettext_lazy("First name"), max_length=60)
    family_name = forms.CharField(label=gettext_lazy("Last name"), max_length=60, required=False)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20)

    def clean_phone(self) -> str:
        """Decisions go to this number by SMS: it must be a mobile number of the served regions."""
        return normalise_mobile_phone(self.cleaned_data.get("phone", ""))

    birth_year = forms.IntegerField(label=gettext_lazy("Year of birth"), min_value=1900, max_value=2100)
    date_of_birth = forms.DateField(label=gettext_lazy("Date of birth (if known)"), required=False)
    national_id = forms.CharField(label=gettext_lazy("National ID (if any)"), max_length=20, required=False)
    size = forms.IntegerField(label=gettext_lazy("People in the household"), min_value=1, max_value=50)
    children_under_5 = forms.IntegerField(label=gettext_lazy("Children under 5"), min_value=0, initial=0)
    children_under_18 = forms.IntegerField(label=gettext_lazy("Children under 18"), min_value=0, initial=0)
    members_with_disability = forms.IntegerField(
        label=gettext_lazy("Members with a disability"), min_value=0, initial=0
    )
    income_band = forms.TypedChoiceField(label=gettext_lazy("Monthly income"), choices=income_band_choices, coerce=int)
    district = forms.ModelChoiceField(label=gettext_lazy("District"), queryset=AdminArea.objects.none())
    programmes = forms.MultipleChoiceField(label=gettext_lazy("Programmes"), widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=gettext_lazy("Language for SMS"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(
        label=gettext_lazy("I read the consent text to the caller and they agreed."), required=True
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()
        self.fields["programmes"].choices = [(p.code, p.name()) for p in Programme.objects.filter(is_open=True)]


# --- Finding and verifying --------------------------------------------------------------------


def find(request):
    """Search by phone or reference; show only how many records match, never who they are."""
    require_permission(request.user, PERMISSION)
    form = FindCallerForm(request.GET or None)
    search = callers.find_caller(form.cleaned_data["q"], request.user) if form.is_valid() else None
    context = {
        "form": form,
        "search": search,
        "complaint_form": ComplaintForm(),
        "callback_form": CallbackForm(),
    }
    return admin_page(request, "backoffice/callcentre/find.html", _("Call centre"), context)


def verify(request, pk: int):
    """Compare two facts the caller states with the record; on a match, open the caller's page."""
    require_permission(request.user, PERMISSION)
    person = get_object_or_404(Person, pk=pk)
    if callers.is_verified_caller(request.user, person):
        return redirect("lango_callcentre_caller", pk=person.pk)
    form = VerifyForm(request.POST or None)
    locked = callers.is_locked(request.user, person)
    if request.method == "POST" and form.is_valid() and not locked:
        if callers.verify_caller(
            request.user,
            person,
            stated_birth=form.cleaned_data["stated_birth"],
            stated_district=form.cleaned_data["stated_district"],
        ):
            return redirect("lango_callcentre_caller", pk=person.pk)
        locked = callers.is_locked(request.user, person)
        form.add_error(None, _("The answers do not match our record. Ask again, or offer a call-back."))
    context = {"form": form, "person_pk": person.pk, "locked": locked}
    trail = [(reverse("lango_callcentre"), _("Call centre"))]
    return admin_page(request, "backoffice/callcentre/verify.html", _("Verify the caller"), context, trail=trail)


def _verified_person(request, pk: int) -> Person | None:
    require_permission(request.user, PERMISSION)
    person = get_object_or_404(Person.objects.select_related("area"), pk=pk)
    return person if callers.is_verified_caller(request.user, person) else None


# --- The caller's page ------------------------------------------------------------------------


def caller(request, pk: int):
    """The verified caller's details, applications, complaints and call-backs (logged as a view)."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    log_access(request.user, AccessLog.Action.VIEW, person, reason="call centre")
    applications = list(callers.caller_applications(person))
    refusal_labels = dict(RefusalReason.choices)
    requests = []
    for application in applications:
        for pa in application.programme_applications.all():
            requests.append(
                {
                    "application": application,
                    "pa": pa,
                    "reason": refusal_labels.get(pa.decision_reason_code, ""),
                    "can_appeal": can_appeal_programme_application(pa),
                }
            )
    cases = [
        {
            "case": case,
            "can_appeal": any(
                row.action == workflow.Action.APPEAL for row in workflow.allowed_actions(case, request.user)
            ),
        }
        for case in callers.caller_grievances(request.user, person)
    ]
    log_access(
        request.user,
        AccessLog.Action.VIEW,
        object_type="grievances.grievance",
        object_id="list",
        reason=f"call centre: cases of person {person.pk}",
        records=len(cases),
    )
    complaint_form = ComplaintForm()
    del complaint_form.fields["phone"]  # a verified caller is answered on their own number
    context = {
        "person": person,
        "requests": requests,
        "cases": cases,
        "callbacks": CallbackRequest.objects.filter(Q(person=person) | Q(phone=person.phone)).order_by("-created_at"),
        "complaint_form": complaint_form,
        "callback_form": CallbackForm(),
        "appeal_form": AppealForm(),
        "consent": what_follows([person]),
    }
    trail = [(reverse("lango_callcentre"), _("Call centre"))]
    return admin_page(request, "backoffice/callcentre/caller.html", person.full_name, context, trail=trail)


def _back(person: Person | None):
    return redirect("lango_callcentre_caller", pk=person.pk) if person else redirect("lango_callcentre")


@require_POST
def complaint(request, pk: int | None = None):
    """File a complaint for the caller (a verified person, or a new caller with or without a phone)."""
    person = _verified_person(request, pk) if pk else None
    require_permission(request.user, PERMISSION)
    if pk and person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what it is about and write what happened."))
        return _back(person)
    phone = person.phone if person else form.cleaned_data["phone"]
    try:
        filed = file_grievance(
            category=form.cleaned_data["category"],
            description=form.cleaned_data["description"],
            channel=CALL_CENTRE,
            language=person.preferred_language if person else request.LANGUAGE_CODE,
            complainant=person,
            phone=phone,
            anonymous=person is None and not phone,
            area=person.area if person else None,
            filed_by=request.user,
        )
    except (GrievanceError, ValidationError) as error:
        messages.error(request, getattr(error, "message", _("Check the details.")))
        return _back(person)
    reference = format_reference(filed.grievance.reference)
    if filed.pin:
        messages.success(
            request,
            _(
                "Complaint filed: reference %(reference)s, PIN %(pin)s. "
                "Read both to the caller; the PIN is not shown again."
            )
            % {"reference": reference, "pin": filed.pin},
        )
    else:
        messages.success(request, _("Complaint filed: reference %(reference)s.") % {"reference": reference})
    return _back(person)


@require_POST
def callback(request, pk: int | None = None):
    """Ask for a call-back for the caller."""
    person = _verified_person(request, pk) if pk else None
    require_permission(request.user, PERMISSION)
    if pk and person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why we should call back."))
        return _back(person)
    try:
        _request, created = request_callback(
            phone=person.phone if person else form.cleaned_data["phone"],
            reason=form.cleaned_data["reason"],
            channel=CALL_CENTRE,
            language=person.preferred_language if person else request.LANGUAGE_CODE,
            person=person,
            requested_by=request.user,
        )
    except (GrievanceError, ValidationError) as error:
        messages.error(request, getattr(error, "message", _("Check the phone number.")))
        return _back(person)
    if created:
        messages.success(request, _("Call-back requested."))
    else:
        messages.info(request, _("This number is already waiting for a call-back."))
    return _back(person)


@require_POST
def appeal_application(request, pk: int, pa_pk: int):
    """Appeal the refusal of one of the caller's applications."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    pa = get_object_or_404(ProgrammeApplication.objects.select_related("application"), pk=pa_pk)
    if pa.application.applicant_id != person.pk:
        return redirect("lango_callcentre_caller", pk=person.pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the decision should change."))
        return _back(person)
    try:
        filed = file_grievance(
            category=Category.DECISION_APPEAL,
            description=form.cleaned_data["text"],
            channel=CALL_CENTRE,
            language=person.preferred_language,
            kind=Grievance.Kind.APPEAL,
            complainant=person,
            related_programme_application=pa,
            filed_by=request.user,
        )
    except GrievanceError as error:
        messages.error(request, error.message)
        return _back(person)
    messages.success(
        request,
        _("Appeal filed: reference %(reference)s.") % {"reference": format_reference(filed.grievance.reference)},
    )
    return _back(person)


@require_POST
def appeal_case(request, pk: int, case_pk: int):
    """Appeal the outcome of one of the caller's complaints."""
    person = _verified_person(request, pk)
    if person is None:
        return redirect("lango_callcentre_verify", pk=pk)
    case = get_object_or_404(callers.caller_grievances(request.user, person), pk=case_pk)
    try:
        result = transition(case, workflow.Action.APPEAL, request.user, text=request.POST.get("text", ""))
    except TransitionError as error:
        messages.error(request, error.message)
        return _back(person)
    messages.success(
        request, _("Appeal filed: reference %(reference)s.") % {"reference": format_reference(result.appeal.reference)}
    )
    return _back(person)


# --- Applications -----------------------------------------------------------------------------


def apply(request, pk: int | None = None):
    """Start an application for the caller (their details pre-filled once verified)."""
    require_permission(request.user, PERMISSION)
    person = None
    if pk:
        person = _verified_person(request, pk)
        if person is None:
            return redirect("lango_callcentre_verify", pk=pk)
    initial = {"idempotency_key": uuid.uuid4().hex, "language": request.LANGUAGE_CODE}
    if person is not None:
        initial.update(
            given_name=person.given_name,
            family_name=person.family_name,
            sex=person.sex,
            phone=person.phone,
            birth_year=person.birth_year,
            date_of_birth=person.date_of_birth,
            district=person.area_id,
            language=person.preferred_language,
        )
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = submit_application(
                applicant=ApplicantDetails(
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    sex=data["sex"],
                    phone=data["phone"],
                    birth_year=data["birth_year"],
                    date_of_birth=data["date_of_birth"],
                    national_id=data["national_id"],
                ),
                household=HouseholdDetails(
                    size=data["size"],
                    children_under_5=data["children_under_5"],
                    children_under_18=data["children_under_18"],
                    members_with_disability=data["members_with_disability"],
                    income_band=data["income_band"],
                    area_id=data["district"].pk,
                ),
                programme_codes=data["programmes"],
                channel=CALL_CENTRE,
                language=data["language"],
                consent_given=data["consent"],
                idempotency_key=f"call-centre:{data['idempotency_key']}",
                submitted_by=request.user,
            )
        except (ApplicationError, ValidationError) as error:
            form.add_error(None, getattr(error, "message", _("Check the details.")))
        else:
            references = sorted(set(result.references.values()))
            messages.success(
                request,
                _("Application recorded. Reference(s) to read to the caller: %(references)s.")
                % {"references": ", ".join(format_reference(r) for r in references)},
            )
            applicant = result.application.applicant if result.application else person
            if applicant is not None and callers.is_verified_caller(request.user, applicant):
                return redirect("lango_callcentre_caller", pk=applicant.pk)
            return redirect("lango_callcentre")
    trail = [(reverse("lango_callcentre"), _("Call centre"))]
    context = {"form": form, "person": person}
    return admin_page(request, "backoffice/callcentre/apply.html", _("Start an application"), context, trail=trail)
