"""Correction and erasure requests are cases of their own categories: an officer decides, the registry follows.

An upheld correction changes the person through the registry's service (partners told, access
logged); an upheld erasure anonymises what may be and keeps the decisions already made, with the
officer's reason. Sensitive cases stay sealed; no SMS names the category or a personal detail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation

from backoffice.roles import CALL_CENTRE_AGENT, GRIEVANCE_OFFICER
from grievances.data_requests import request_correction, request_erasure
from grievances.models import AccessLog, Category, DataRequest, Grievance
from grievances.queries import visible_cases
from grievances.services import TransitionError, file_grievance, transition
from privacy.models import Anonymisation
from registry.models import Person, ProgrammeApplication, RegistryEvent
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.portal_helpers import PHONE, apply_as, refuse, sign_in, url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]


@pytest.fixture
def person(programmes):
    application = apply_as(PHONE, ("old-age-pension", "disability-grant"), given_name="Zawadi")
    refuse(application.programme_applications.get(programme__code="disability-grant"), text="Income above the limit.")
    return application.applicant


@pytest.fixture
def officer():
    return make_staff("olive", GRIEVANCE_OFFICER)


def _take(case, officer):
    transition(case, "assign", officer, assignee=officer)
    return case


def _sms_to_phone(after: int) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to=PHONE).order_by("pk")[after:])


# --- Filing: categories and deadlines ---------------------------------------------------------


def test_a_correction_request_is_a_data_correction_case_due_in_seven_days_saying_what_to_change(person):
    before = OutboundMessage.objects.filter(to=PHONE).count()

    case = request_correction(person, {"family_name": "Wanjiru"}, "Married", channel="web", language="en")

    assert case.category == Category.DATA_CORRECTION and not case.is_sensitive
    assert case.due_at - case.level_started_at == timedelta(days=7)
    assert case.data_request.requested_changes == {"family_name": "Wanjiru"}
    sms = _sms_to_phone(before)
    assert [m.template for m in sms] == ["grievance_received"]
    assert "Wanjiru" not in sms[0].body and "correct" not in sms[0].body.lower()


def test_an_erasure_request_is_a_data_erasure_case_due_in_thirty_days(person):
    case = request_erasure(person, "", channel="web", language="en")

    assert case.category == Category.DATA_ERASURE and not case.is_sensitive
    assert case.due_at - case.level_started_at == timedelta(days=30)
    assert case.data_request.kind == DataRequest.Kind.ERASURE


def test_a_correction_request_must_say_what_is_wrong_and_dates_follow_the_digits_rule(person):
    from grievances.services import GrievanceError

    with pytest.raises(GrievanceError):
        request_correction(person, {}, "Wrong", channel="web", language="en")
    with pytest.raises(GrievanceError):
        request_correction(person, {"date_of_birth": "31/02/1950"}, "", channel="web", language="en")

    case = request_correction(person, {"date_of_birth": "٠٣/٠٤/١٩٥١"}, "", channel="web", language="ar")
    assert case.data_request.requested_changes == {"date_of_birth": "1951-04-03", "birth_year": "1951"}


def test_erasure_is_not_offered_on_the_complaint_forms():
    from portal.forms.complaints import COMPLAINT_CATEGORIES
    from ussd.screens.complaint import COMPLAINT_CATEGORIES as USSD_CATEGORIES

    assert Category.DATA_ERASURE not in dict(COMPLAINT_CATEGORIES)
    assert Category.DATA_ERASURE not in USSD_CATEGORIES


# --- Deciding: the new workflow action --------------------------------------------------------


def test_an_upheld_correction_changes_the_registry_tells_partners_and_logs_the_change(person, officer):
    case = _take(request_correction(person, {"family_name": "Wanjiru"}, "", channel="web", language="en"), officer)
    updates = RegistryEvent.objects.filter(kind="UPDATE").count()
    before = OutboundMessage.objects.filter(to=PHONE).count()

    transition(case, "decide_data", officer, outcome=Grievance.Outcome.UPHELD, text="Checked the marriage record.")

    person.refresh_from_db()
    assert person.family_name == "Wanjiru"
    assert case.status == Grievance.Status.RESOLVED and case.decided_by == officer
    assert DataRequest.objects.get(grievance=case).applied_changes == ["family_name"]
    assert RegistryEvent.objects.filter(kind="UPDATE").count() == updates + 1
    assert AccessLog.objects.filter(user=officer, action="change", object_id=str(person.pk)).exists()
    sms = _sms_to_phone(before)
    assert [m.template for m in sms] == ["grievance_resolved"]
    assert "Wanjiru" not in sms[0].body


def test_the_officer_may_correct_what_was_asked_before_upholding(person, officer):
    case = _take(request_correction(person, {"given_name": "Zawad"}, "", channel="web", language="en"), officer)

    transition(case, "decide_data", officer, outcome="partly_upheld", text="Spelling", changes={"given_name": "Zawadi"})

    person.refresh_from_db()
    assert person.given_name == "Zawadi"


def test_a_correction_not_upheld_changes_nothing_in_the_registry(person, officer):
    case = _take(request_correction(person, {"family_name": "Wanjiru"}, "", channel="web", language="en"), officer)

    transition(case, "decide_data", officer, outcome=Grievance.Outcome.NOT_UPHELD, text="No record of it.")

    person.refresh_from_db()
    assert person.family_name == "Hassan"
    assert case.status == Grievance.Status.RESOLVED


def test_an_upheld_erasure_anonymises_the_person_and_keeps_the_decisions_with_the_reason(person, officer):
    complaint = file_grievance(
        category="payment_not_received", description="Zawadi's money", channel="web", language="en", complainant=person
    ).grievance
    case = _take(request_erasure(person, "Please forget me", channel="web", language="en"), officer)
    reason = "Kept: the refusal of the disability grant and its reason, which may still be appealed."

    transition(case, "decide_data", officer, outcome=Grievance.Outcome.UPHELD, text=reason)

    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.phone, person.date_of_birth) == ("", "", "", None)
    refused = ProgrammeApplication.objects.get(programme__code="disability-grant")
    assert (refused.status, refused.decision_text) == (
        ProgrammeApplication.Status.NOT_ELIGIBLE,
        "Income above the limit.",
    )
    case.refresh_from_db()
    assert case.resolution_outcome == "upheld" and case.resolution_text == reason
    assert DataRequest.objects.get(grievance=case).kept_reason == reason
    complaint.refresh_from_db()
    assert complaint.description == "" and complaint.complainant is None
    assert Anonymisation.objects.filter(kind="person", object_id=person.pk, request_reference=case.reference).exists()


def test_an_erasure_not_upheld_keeps_everything(person, officer):
    case = _take(request_erasure(person, "", channel="web", language="en"), officer)

    transition(case, "decide_data", officer, outcome=Grievance.Outcome.NOT_UPHELD, text="An appeal is open.")

    person.refresh_from_db()
    assert person.given_name == "Zawadi"
    assert not Anonymisation.objects.exists()


def test_deciding_a_data_request_is_only_for_data_categories_and_only_for_the_assignee(person, officer):
    complaint = _take(file_grievance(
        category="payment_not_received", description="No money", channel="web", language="en", complainant=person
    ).grievance, officer)  # fmt: skip
    with pytest.raises(TransitionError) as raised:
        transition(complaint, "decide_data", officer, outcome="upheld", text="x")
    assert raised.value.code == "status"

    case = request_correction(person, {"family_name": "Wanjiru"}, "", channel="web", language="en")
    _take(case, officer)
    other = make_staff("oscar", GRIEVANCE_OFFICER)
    with pytest.raises(TransitionError) as raised:
        transition(case, "decide_data", other, outcome="upheld", text="x")
    assert raised.value.code == "role"
    with pytest.raises(TransitionError):
        transition(case, "resolve", officer, outcome="upheld", text="x")  # a request is decided, not resolved
    person.refresh_from_db()
    assert person.family_name == "Hassan"


def test_the_case_page_offers_the_decision_with_the_details_asked_for(person, officer, client):
    case = _take(request_correction(person, {"family_name": "Wanjiru"}, "", channel="web", language="en"), officer)
    sign_in_verified(client, officer)

    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert f"/admin/cases/{case.pk}/act/decide_data/" in page
    assert 'value="Wanjiru"' in page
    assert f"/admin/cases/{case.pk}/act/resolve/" not in page

    client.post(
        f"/admin/cases/{case.pk}/act/decide_data/",
        {"outcome": "upheld", "text": "Checked.", "change_family_name": "Wanjiru-Otieno"},
    )

    person.refresh_from_db()
    assert person.family_name == "Wanjiru-Otieno"


# --- Sensitive cases stay sealed --------------------------------------------------------------


def test_an_erasure_request_shows_no_sensitive_case_to_an_officer_not_cleared_for_them(person, officer, client):
    sensitive = file_grievance(
        category="sexual_exploitation", description="Something happened", channel="web", language="en",
        complainant=person,
    ).grievance  # fmt: skip
    case = _take(request_erasure(person, "", channel="web", language="en"), officer)
    sign_in_verified(client, officer)

    assert case in visible_cases(officer) and sensitive not in visible_cases(officer)
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert sensitive.reference not in page

    transition(case, "decide_data", officer, outcome="upheld", text="Decisions kept.")

    sensitive.refresh_from_db()
    assert sensitive.is_sensitive and sensitive not in visible_cases(officer)
    assert sensitive.description == ""


# --- The account and the call centre ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_asks_for_a_correction_in_the_citizens_language(person, client, language):
    sign_in(client, language=language)
    page = client.get(url("account_correction", language=language)).content.decode()
    with translation.override(language):
        assert translation.gettext("Ask us to correct your details") in page

    response = client.post(url("account_correction", language=language), {"family_name": "Wanjiru"})

    assert response.status_code == 302
    case = Grievance.objects.get(category=Category.DATA_CORRECTION)
    assert (case.channel, case.language, case.complainant) == ("web", language, person)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_says_what_an_erasure_erases_and_keeps_in_the_citizens_language(person, client, language):
    sign_in(client, language=language)
    page = client.get(url("account_erasure", language=language)).content.decode()
    with translation.override(language):
        assert translation.gettext("Ask us to erase your data") in page

    client.post(url("account_erasure", language=language), {"explanation": ""})
    client.post(url("account_erasure", language=language), {"explanation": ""})  # a second is not filed

    assert Grievance.objects.filter(category=Category.DATA_ERASURE).count() == 1


@pytest.fixture
def agent(person, client):
    from grievances.caller_verification import verify_caller

    user = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, user)
    Person.objects.filter(pk=person.pk).update(date_of_birth=date(1950, 4, 3))
    person.refresh_from_db()
    assert verify_caller(user, person, stated_birth="03/04/1950", stated_district=person.area)
    return user


def test_the_call_centre_files_a_correction_on_the_callers_behalf(person, agent, client):
    client.post(f"/admin/call-centre/{person.pk}/correction/", {"family_name": "Wanjiru", "explanation": "Married"})

    case = Grievance.objects.get(category=Category.DATA_CORRECTION)
    assert (case.channel, case.filed_by, case.complainant) == ("call_centre", agent, person)
    assert case.data_request.requested_changes == {"family_name": "Wanjiru"}


def test_the_call_centre_files_an_erasure_only_once_the_caller_heard_what_it_means(person, agent, client):
    client.post(f"/admin/call-centre/{person.pk}/erasure/", {"explanation": "x"})
    assert not Grievance.objects.filter(category=Category.DATA_ERASURE).exists()

    client.post(f"/admin/call-centre/{person.pk}/erasure/", {"explanation": "x", "confirmed": "on"})

    case = Grievance.objects.get(category=Category.DATA_ERASURE)
    assert (case.channel, case.filed_by) == ("call_centre", agent)
