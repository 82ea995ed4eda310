"""Consent can be withdrawn on every channel: each says what follows first, and the withdrawal is recorded.

What follows, concretely: every programme request still waiting for a decision is withdrawn (on
its timeline), decided ones stay, complaints go on, and a new application needs a new consent.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from backoffice.roles import CALL_CENTRE_AGENT
from grievances.models import AccessLog, Grievance
from grievances.services import file_grievance
from registry.consent import has_consent, what_follows, withdraw_consent
from registry.models import ApplicationEvent, Consent, Person, ProgrammeApplication
from registry.services import ApplicationError
from sms.inbound import IncomingSms, receive_sms
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.portal_helpers import PHONE, apply_as, refuse, sign_in, url
from ussd.testing import LANGUAGE_KEYS, MY_APPLICATIONS, UssdPhone

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]
Status = ProgrammeApplication.Status


@pytest.fixture
def applicant(programmes):
    application = apply_as(PHONE, ("old-age-pension", "disability-grant"), given_name="Zawadi")
    refuse(application.programme_applications.get(programme__code="disability-grant"))
    case = file_grievance(
        category="payment_not_received", description="No money.", channel="web", language="en",
        complainant=application.applicant,
    ).grievance  # fmt: skip
    return {"application": application, "person": application.applicant, "case": case}


def _statuses(application) -> dict[str, str]:
    return dict(application.programme_applications.values_list("programme__code", "status"))


# --- The service: what "applications stop" means ----------------------------------------------


def test_withdrawing_consent_withdraws_the_undecided_requests_and_leaves_decisions_as_they_are(applicant):
    person, application = applicant["person"], applicant["application"]

    result = withdraw_consent([person], channel="web")

    assert result.consents == 1
    assert result.stopped == [(application.reference, "old-age-pension")]
    assert _statuses(application) == {"old-age-pension": Status.WITHDRAWN, "disability-grant": Status.NOT_ELIGIBLE}
    event = ApplicationEvent.objects.get(to_status=Status.WITHDRAWN)
    assert (event.channel, event.is_public) == ("web", True)
    consent = Consent.objects.get(person=person)
    assert consent.withdrawn_at is not None and consent.withdrawn_channel == "web"


def test_complaints_go_on_after_consent_is_withdrawn_and_new_ones_can_be_anonymous(applicant):
    withdraw_consent([applicant["person"]], channel="web")

    assert Grievance.objects.get(pk=applicant["case"].pk).status == Grievance.Status.NEW
    filed = file_grievance(
        category="other", description="Still no money.", channel="web", language="en", anonymous=True
    )
    assert filed.grievance.complainant is None and filed.pin


def test_withdrawing_twice_changes_nothing_the_second_time(applicant):
    withdraw_consent([applicant["person"]], channel="web")
    first = Consent.objects.get().withdrawn_at

    again = withdraw_consent([applicant["person"]], channel="sms")

    assert (again.consents, again.stopped) == (0, [])
    assert Consent.objects.get().withdrawn_at == first
    assert Consent.objects.get().withdrawn_channel == "web"


def test_a_new_application_after_withdrawal_needs_and_records_a_new_consent(applicant):
    from registry.services import ApplicantDetails, HouseholdDetails, submit_application

    withdraw_consent([applicant["person"]], channel="web")
    household = HouseholdDetails(4, 1, 2, 1, 1, applicant["application"].household.area_id)
    details = ApplicantDetails("Zawadi", "Hassan", "female", PHONE, 1950)
    with pytest.raises(ApplicationError):
        submit_application(
            applicant=details, household=household, programme_codes=["old-age-pension"], channel="web",
            language="en", consent_given=False,
        )  # fmt: skip

    again = submit_application(
        applicant=details, household=household, programme_codes=["old-age-pension"], channel="web",
        language="en", consent_given=True,
    ).application  # fmt: skip

    assert again.consent.withdrawn_at is None
    assert has_consent([applicant["person"]])
    assert again.programme_applications.get().status == Status.SUBMITTED


def test_what_follows_lists_the_requests_that_would_stop_and_those_that_stay(applicant):
    follows = what_follows([applicant["person"]])

    assert follows.has_consent
    assert [pa.programme.code for pa in follows.stopped] == ["old-age-pension"]
    assert [pa.programme.code for pa in follows.kept] == ["disability-grant"]


# --- Web account --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_says_what_follows_in_the_citizens_language_before_withdrawing(applicant, client, language):
    sign_in(client, language=language)

    page = client.get(url("account_consent", language=language)).content.decode()

    with translation.override(language):
        assert translation.gettext("Your complaints go on, and you can make new ones anonymously.") in page
        assert str(Status.NOT_ELIGIBLE.label) in page
        if language != "en":
            assert translation.gettext("Withdraw my consent") != "Withdraw my consent"
    assert has_consent([applicant["person"]])  # reading the page changes nothing


def test_confirming_on_the_account_withdraws_consent_and_stops_the_applications(applicant, client):
    sign_in(client)

    response = client.post(url("account_consent"))

    assert response.status_code == 302
    assert _statuses(applicant["application"])["old-age-pension"] == Status.WITHDRAWN
    assert Consent.objects.get().withdrawn_channel == "web"
    assert "no consent to withdraw" in client.get(url("account_consent")).content.decode()


# --- USSD, under "My applications" --------------------------------------------------------------


def _ussd(client, language: str) -> UssdPhone:
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    if phone.screen_name == "language":
        phone.send(LANGUAGE_KEYS[language])
    return phone


@pytest.mark.parametrize("language", LANGUAGES)
def test_ussd_my_applications_offers_to_withdraw_consent_says_what_follows_then_withdraws(applicant, client, language):
    phone = _ussd(client, language)
    phone.send(MY_APPLICATIONS, "3")  # two programme requests, then the action
    pages = phone.every_page()

    assert phone.screen_name == "consent_withdraw"
    with translation.override(language):
        assert pgettext("ussd", "Applications waiting for a decision stop.") in pages
        assert pgettext("ussd", "Complaints go on; new ones can be anonymous.") in pages
    phone.send("1")

    assert phone.ended
    assert _statuses(applicant["application"])["old-age-pension"] == Status.WITHDRAWN
    assert Consent.objects.get().withdrawn_channel == "ussd"


def test_ussd_cancelling_the_withdrawal_changes_nothing(applicant, client):
    phone = _ussd(client, "en")
    phone.send(MY_APPLICATIONS, "3", "2")

    assert has_consent([applicant["person"]])
    assert _statuses(applicant["application"])["old-age-pension"] == Status.SUBMITTED


def test_ussd_offers_no_withdrawal_once_consent_is_withdrawn(applicant, client):
    withdraw_consent([applicant["person"]], channel="web")
    phone = _ussd(client, "en")
    phone.send(MY_APPLICATIONS)

    assert "Withdraw consent" not in phone.screen


# --- SMS keyword --------------------------------------------------------------------------------

_ids = iter(range(1, 10_000))


def _sms(text: str) -> OutboundMessage:
    provider_id = f"ATXin_consent_{next(_ids)}"
    receive_sms(IncomingSms(provider_id=provider_id, sender=PHONE, text=text, to="22384"))
    return OutboundMessage.objects.get(dedupe_key=f"sms-reply:{provider_id}")


@pytest.mark.parametrize(
    ("language", "keyword", "yes"),
    [("en", "WITHDRAW", "YES"), ("fr", "RETRAIT", "OUI"), ("sw", "JITOE", "NDIYO"), ("ar", "انسحاب", "نعم")],
)
def test_the_sms_keyword_says_what_follows_then_withdraws_on_yes_in_every_language(applicant, language, keyword, yes):
    asked = _sms(keyword)

    assert asked.template == "consent_withdraw_ask"
    assert keyword in asked.body
    assert has_consent([applicant["person"]])

    done = _sms(f"{keyword} {yes}")

    assert done.template == "consent_withdrawn"
    assert not has_consent([applicant["person"]])
    assert Consent.objects.get().withdrawn_channel == "sms"
    assert _statuses(applicant["application"])["old-age-pension"] == Status.WITHDRAWN
    assert "Zawadi" not in asked.body + done.body


def test_the_sms_keyword_from_a_phone_without_consent_says_there_is_none(programmes):
    assert _sms("WITHDRAW YES").template == "consent_none"


# --- The call centre, on the caller's behalf ----------------------------------------------------


@pytest.fixture
def agent_with_caller(applicant, client):
    from grievances.caller_verification import verify_caller

    agent = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, agent)
    person = applicant["person"]
    Person.objects.filter(pk=person.pk).update(date_of_birth=date(1950, 4, 3))
    person.refresh_from_db()
    assert verify_caller(agent, person, stated_birth="03/04/1950", stated_district=person.area)
    return agent, person


def test_the_call_centre_reads_what_follows_and_withdraws_consent_on_the_callers_behalf(agent_with_caller, client):
    agent, person = agent_with_caller
    page = client.get(f"/admin/call-centre/{person.pk}/").content.decode()
    assert "Complaints go on, and new ones can be made anonymously." in page

    client.post(f"/admin/call-centre/{person.pk}/consent/", {"confirmed": "on"})

    consent = Consent.objects.get(person=person)
    assert (consent.withdrawn_channel, consent.withdrawn_by) == ("call_centre", agent)
    assert AccessLog.objects.filter(user=agent, action="change", object_id=str(person.pk)).exists()
    assert ProgrammeApplication.objects.get(programme__code="old-age-pension").status == Status.WITHDRAWN


def test_the_call_centre_cannot_withdraw_consent_without_confirming_the_caller_heard_what_follows(
    agent_with_caller, client
):
    _agent, person = agent_with_caller

    client.post(f"/admin/call-centre/{person.pk}/consent/", {})

    assert has_consent([person])
