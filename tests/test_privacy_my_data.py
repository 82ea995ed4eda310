"""My data: the citizen sees everything held about them, on the page and as JSON, in their language.

Each copy is recorded; the call centre sends one on the record.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.apps import apps
from django.utils import translation

from backoffice.roles import CALL_CENTRE_AGENT
from grievances.models import AccessLog
from grievances.services import file_grievance, request_callback
from privacy import mydata
from privacy.models import DataCopy
from registry.models import Person, ProgrammeApplication
from registry.preferences import set_sms_opt_out
from sms.inbound import IncomingSms, receive_sms
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.portal_helpers import OTHER_PHONE, PHONE, apply_as, refuse, sign_in, url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "sw", "ar"]


# --- Completeness: the explicit lists, checked against the models ---------------------------


def _checked_models():
    return [model for app in mydata.CHECKED_APPS for model in apps.get_app_config(app).get_models()]


def test_every_model_of_the_data_apps_is_either_in_the_copy_or_said_why_not():
    missing = [
        mydata.model_label(model)
        for model in _checked_models()
        if mydata.model_label(model) not in mydata.EXPORTED
        and mydata.model_label(model) not in mydata.NOT_EXPORTED_MODELS
    ]

    assert missing == [], f"Add these models to privacy.mydata.EXPORTED or NOT_EXPORTED_MODELS: {missing}"


@pytest.mark.parametrize("label", sorted(mydata.EXPORTED))
def test_every_field_of_a_personal_data_model_is_in_the_copy_or_excluded_with_a_reason(label):
    model = apps.get_model(label)

    assert mydata.uncovered_fields(model) == [], (
        f"{label}: add these fields to privacy.mydata.EXPORTED, or to EXCLUDED with the reason"
    )


@pytest.mark.parametrize("label", sorted(mydata.EXPORTED))
def test_the_lists_name_only_fields_the_models_have_and_each_field_once(label):
    names = {field.name for field in apps.get_model(label)._meta.concrete_fields}
    shown, left_out = set(mydata.EXPORTED[label]), set(mydata.EXCLUDED.get(label, {}))

    assert shown <= names and left_out <= names
    assert not shown & left_out
    assert all(str(reason).strip() for reason in mydata.EXCLUDED.get(label, {}).values())


def test_a_field_added_to_a_personal_data_model_is_reported_until_the_copy_covers_it():
    names = [field.name for field in Person._meta.concrete_fields] + ["nickname"]

    assert mydata.uncovered_fields(Person, names) == ["nickname"]


# --- What the copy holds ---------------------------------------------------------------------


@pytest.fixture
def citizen(programmes):
    application = apply_as(PHONE, ("old-age-pension", "disability-grant"), given_name="Zawadi")
    refuse(application.programme_applications.get(programme__code="disability-grant"), text="Income above the limit.")
    person = application.applicant
    case = file_grievance(
        category="payment_not_received", description="My March payment never came.", channel="web",
        language="en", complainant=person,
    ).grievance  # fmt: skip
    request_callback(phone=PHONE, reason="payment", channel="web", language="en", person=person)
    set_sms_opt_out(PHONE, True)
    receive_sms(IncomingSms(provider_id="at-1", sender=PHONE, text="HELP", to="22384"))
    return {"application": application, "person": person, "case": case}


def _copy(language="en"):
    person = Person.objects.get(phone=PHONE)
    return mydata.collect([person], PHONE, language)


def _section(data, key):
    return next(section for section in data.sections if section.key == key)


def test_the_copy_holds_the_person_household_applications_decisions_complaints_callbacks_and_sms(citizen):
    data = _copy().as_json()["sections"]

    assert data["people"]["records"][0]["given_name"] == "Zawadi"
    assert data["households"]["records"][0]["size"] == 4
    assert data["applications"]["records"][0]["reference"] == citizen["application"].reference
    decisions = {row["programme"]: row for row in data["programme_requests"]["records"]}
    assert len(decisions) == 2
    assert any(row["decision_text"] == "Income above the limit." for row in decisions.values())
    assert data["consents"]["records"][0]["given_at"]
    assert data["complaints"]["records"][0]["description"] == "My March payment never came."
    assert data["complaints"]["records"][0]["reference"] == citizen["case"].reference
    assert data["complaint_events"]["records"]
    assert data["callbacks"]["records"][0]["phone"] == PHONE
    assert data["phone_preference"]["records"][0]["sms_opt_out"] is True
    assert {row["template"] for row in data["sms_sent"]["records"]} >= {"application_received", "grievance_received"}
    assert data["sms_received"]["records"][0]["text"] == "HELP"


def test_the_copy_never_lists_sign_in_codes_or_staff_working_notes(citizen, client):
    sign_in(client)  # a sign-in code SMS now exists for the phone
    case = citizen["case"]
    case.events.create(kind="note", is_public=False, message="Internal: check with the paymaster.")

    data = _copy().as_json()

    assert "sign_in_code" not in {row["template"] for row in data["sections"]["sms_sent"]["records"]}
    assert "paymaster" not in json.dumps(data, ensure_ascii=False)
    assert OutboundMessage.objects.filter(to=PHONE, template="sign_in_code").exists()


def test_the_copy_holds_nothing_of_another_citizen(citizen):
    apply_as(OTHER_PHONE, given_name="Neema")
    file_grievance(category="other", description="Neema's own words.", channel="web", language="en", phone=OTHER_PHONE)

    text = json.dumps(_copy().as_json(), ensure_ascii=False)

    assert "Neema" not in text
    assert OTHER_PHONE not in text


def test_the_copy_says_how_long_each_kind_of_data_is_kept_from_the_retention_table(citizen, settings):
    settings.RETENTION_CLOSED_CASE_YEARS = 5
    lines = {line["what"]: line for line in _copy().as_json()["retention"]}

    assert set(lines) == {row["what"] for row in settings.RETENTION}
    assert lines["ussd_sessions"]["period"] == "90 days"
    assert lines["access_logs"]["then"] == "then deleted"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_copy_is_in_the_citizens_language_labels_titles_and_statuses_alike(citizen, language):
    data = _copy(language).as_json()

    with translation.override(language):
        title = str(mydata.SECTION_TITLES["programme_requests"])
        refused = str(ProgrammeApplication.Status.NOT_ELIGIBLE.label)
        sex_label = str(Person._meta.get_field("sex").verbose_name)
        ninety_days = translation.ngettext("%(count)d day", "%(count)d days", 90) % {"count": 90}
    section = data["sections"]["programme_requests"]
    assert section["title"] == title
    assert refused in {row["status"] for row in section["records"]}
    assert data["sections"]["people"]["labels"]["sex"] == sex_label
    assert ninety_days in {line["period"] for line in data["retention"]}
    assert data["language"] == language
    if language != "en":
        assert title != "Each programme: status and decision"


# --- The account page and the download ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_my_data_page_shows_everything_in_the_citizens_language_and_is_recorded(citizen, client, language):
    sign_in(client, language=language)

    response = client.get(url("account_my_data", language=language))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Zawadi" in page
    assert "My March payment never came." in page
    with translation.override(language):
        assert str(mydata.SECTION_TITLES["complaints"]) in page
        assert str(ProgrammeApplication.Status.NOT_ELIGIBLE.label) in page
    copy = DataCopy.objects.get()
    assert (copy.how, copy.language, copy.person, copy.staff) == ("page", language, citizen["person"], None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_my_data_download_is_a_json_file_in_the_citizens_language_and_is_recorded(citizen, client, language):
    sign_in(client, language=language)

    response = client.get(url("account_my_data_download", language=language))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["language"] == language
    assert data["sections"]["people"]["records"][0]["given_name"] == "Zawadi"
    assert DataCopy.objects.get().how == "download"


def test_the_account_page_links_to_my_data(citizen, client):
    sign_in(client)

    assert url("account_my_data") in client.get(url("account")).content.decode()


def test_my_data_needs_a_signed_in_citizen(client, programmes):
    response = client.get(url("account_my_data_download"))

    assert response.status_code == 302
    assert DataCopy.objects.count() == 0


def test_a_citizen_who_only_complained_from_their_phone_gets_their_complaints_and_the_copy_is_recorded(
    client, programmes
):
    file_grievance(category="other", description="The office was closed.", channel="web", language="en", phone=PHONE)
    sign_in(client)

    data = json.loads(client.get(url("account_my_data_download")).content)

    assert data["sections"]["complaints"]["records"][0]["description"] == "The office was closed."
    copy = DataCopy.objects.get()
    assert (copy.person, copy.phone) == (None, PHONE)


# --- The call centre, on the record ------------------------------------------------------------


@pytest.fixture
def verified(citizen, client):
    from grievances.caller_verification import verify_caller

    agent = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, agent)
    person = citizen["person"]
    Person.objects.filter(pk=person.pk).update(date_of_birth=date(1950, 4, 3))
    person.refresh_from_db()
    assert verify_caller(agent, person, stated_birth="03/04/1950", stated_district=person.area)
    return agent, person


def test_the_call_centre_texts_a_verified_caller_the_link_to_their_copy_on_the_record(verified, client):
    agent, person = verified

    response = client.post(
        f"/admin/call-centre/{person.pk}/my-data/", {"reason": "Caller asked for a copy", "by_sms": "on"}
    )

    assert response.status_code == 302
    copy = DataCopy.objects.get()
    assert (copy.how, copy.staff, copy.reason, copy.person) == ("sent", agent, "Caller asked for a copy", person)
    log = AccessLog.objects.filter(user=agent, action="export", object_type="registry.person").get()
    assert log.object_id == str(person.pk)
    sms = OutboundMessage.objects.get(to=PHONE, template="my_data_link")
    assert "/account/my-data/" in sms.body
    assert "Zawadi" not in sms.body


def test_the_call_centre_can_record_a_copy_given_another_way_without_an_sms(verified, client):
    _agent, person = verified

    client.post(f"/admin/call-centre/{person.pk}/my-data/", {"reason": "Read out on the phone"})

    assert DataCopy.objects.get().how == "sent"
    assert not OutboundMessage.objects.filter(template="my_data_link").exists()


def test_the_call_centre_must_say_why_a_copy_is_sent(verified, client):
    _agent, person = verified

    client.post(f"/admin/call-centre/{person.pk}/my-data/", {"reason": " ", "by_sms": "on"})

    assert DataCopy.objects.count() == 0


def test_the_call_centre_cannot_send_a_copy_for_a_caller_it_has_not_verified(citizen, client):
    agent = make_staff("cara", CALL_CENTRE_AGENT)
    sign_in_verified(client, agent)

    response = client.post(f"/admin/call-centre/{citizen['person'].pk}/my-data/", {"reason": "x", "by_sms": "on"})

    assert response.status_code == 302
    assert "/verify/" in response["Location"]
    assert DataCopy.objects.count() == 0
