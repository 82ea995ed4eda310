"""One submission, many programmes: atomic, idempotent, and never a duplicate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backoffice.roles import CALL_CENTRE_AGENT
from registry.models import Application, Consent, Person, ProgrammeApplication
from registry.references import ReferenceKind, damm_check_digit, is_valid_reference
from registry.services import ApplicationError, submit_application, withdraw_application
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff
from tests.domain_helpers import applicant, household, submit

pytestmark = pytest.mark.django_db

THREE = ["old-age-pension", "child-support-grant", "emergency-cash"]
OTHER_PHONE = "+254722000111"


def test_applying_to_three_programmes_creates_one_application_with_three_requests(programmes, areas):
    result = submit(areas["mombasa"], THREE, key="k1")
    assert result.created
    application = result.application
    assert is_valid_reference(application.reference, ReferenceKind.APPLICATION)
    assert application.programme_applications.count() == 3
    assert set(result.references) == set(THREE)
    assert set(result.references.values()) == {application.reference}
    assert application.events.filter(kind="submitted", is_public=True).count() == 1
    consent = application.consent
    assert (consent.version, consent.channel) == ("2026-11", "web")
    assert OutboundMessage.objects.filter(to="+254712345678", template="application_received").count() == 1


def test_the_same_key_twice_gives_the_same_application_and_nothing_new(programmes, areas):
    first = submit(areas["mombasa"], THREE, key="same-key")
    second = submit(areas["mombasa"], THREE, key="same-key")
    assert second.application == first.application
    assert not second.created
    assert second.references == first.references
    assert Application.objects.count() == 1
    assert ProgrammeApplication.objects.count() == 3
    assert Person.objects.count() == 1
    assert Consent.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_the_same_person_applying_again_gets_the_existing_reference(programmes, areas):
    first = submit(areas["mombasa"], ["old-age-pension"], key="a")
    again = submit(areas["mombasa"], ["old-age-pension"], key="b", given_name="  amina ", family_name="ODHIAMBO")
    assert again.application is None and not again.created
    assert again.references == {"old-age-pension": first.application.reference}
    assert again.already_open == ["old-age-pension"]
    assert Application.objects.count() == 1
    assert ProgrammeApplication.objects.count() == 1


def test_a_national_id_match_is_the_same_person_even_with_another_phone_for_a_call_centre_agent(programmes, areas):
    first = submit(areas["mombasa"], ["old-age-pension"], key="a", national_id="12345678")
    agent = make_staff("cara", CALL_CENTRE_AGENT)
    again = submit(
        areas["kilifi"],
        ["old-age-pension"],
        key="b",
        national_id="12 345 678",
        phone="+254722000111",
        given_name="Ami",
        channel="call_centre",
        submitted_by=agent,
    )
    assert again.references == {"old-age-pension": first.application.reference}
    assert ProgrammeApplication.objects.count() == 1


@pytest.mark.parametrize("programme", ["old-age-pension", "child-support-grant"])
def test_a_national_id_typed_from_another_phone_reveals_nothing_and_files_nothing(programmes, areas, programme):
    submit(areas["mombasa"], ["old-age-pension"], key="a", national_id="12345678")
    OutboundMessage.objects.all().delete()
    with pytest.raises(ApplicationError) as refused:
        submit(areas["kilifi"], [programme], key="b", national_id="12345678", phone="+254722000111", given_name="Zed")
    assert refused.value.code == "national_id_elsewhere"
    assert "call you back" in refused.value.messages[0]
    assert Application.objects.count() == 1 and Person.objects.count() == 1
    assert not OutboundMessage.objects.exists()


def test_a_national_id_of_an_impossible_length_is_refused(programmes, areas):
    with pytest.raises(ApplicationError) as refused:
        submit(areas["mombasa"], ["old-age-pension"], national_id="1")
    assert refused.value.code == "national_id"


def test_only_the_new_programmes_become_a_new_application(programmes, areas):
    first = submit(areas["mombasa"], ["old-age-pension"], key="a")
    second = submit(areas["mombasa"], ["old-age-pension", "emergency-cash"], key="b")
    assert second.created
    assert second.references["old-age-pension"] == first.application.reference
    assert second.references["emergency-cash"] == second.application.reference
    assert [pa.programme.code for pa in second.application.programme_applications.all()] == ["emergency-cash"]


def test_a_person_without_a_national_id_can_apply_and_none_is_stored(programmes, areas):
    result = submit(areas["mombasa"], ["old-age-pension"], national_id="0")
    person = result.application.applicant
    assert result.created
    assert person.national_id_hash == "" and person.national_id_last3 == ""


def test_a_national_id_is_kept_only_as_a_keyed_hash_and_last_three_digits(programmes, areas):
    result = submit(areas["mombasa"], ["old-age-pension"], national_id="23456789")
    person = result.application.applicant
    assert person.national_id_last3 == "789"
    assert "23456789" not in person.national_id_hash and len(person.national_id_hash) == 64
    assert "23456789" not in str(result.application.answers)


def test_a_withdrawn_request_can_be_made_again(programmes, areas):
    first = submit(areas["mombasa"], ["old-age-pension"], key="a")
    withdraw_application(first.application, person=first.application.applicant, channel="web")
    again = submit(areas["mombasa"], ["old-age-pension"], key="b")
    assert again.created and again.application != first.application


def test_nothing_is_created_without_consent(programmes, areas):
    with pytest.raises(ApplicationError):
        submit_application(
            applicant=applicant(),
            household=household(areas["mombasa"]),
            programme_codes=["old-age-pension"],
            channel="web",
            language="en",
            consent_given=False,
        )
    assert Application.objects.count() == 0 and Person.objects.count() == 0


def test_bad_answers_are_refused_with_a_clear_message_and_nothing_is_created(programmes, areas):
    with pytest.raises(ValidationError):
        submit(areas["mombasa"], ["old-age-pension"], phone="12")
    with pytest.raises(ApplicationError):
        submit(areas["mombasa"], [])
    with pytest.raises(ApplicationError):
        submit(areas["coast"], ["old-age-pension"])  # a region is not a district
    assert Application.objects.count() == 0


def test_a_closed_programme_cannot_be_applied_to(programmes, areas):
    programmes["public-works"].is_open = False
    programmes["public-works"].save()
    with pytest.raises(ApplicationError):
        submit(areas["mombasa"], ["public-works"])


def test_a_failure_midway_leaves_nothing_behind(programmes, areas, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("SMS template broken")

    monkeypatch.setattr("registry.notifications.application_received", explode)
    with pytest.raises(RuntimeError):
        submit(areas["mombasa"], THREE, key="boom")
    assert Application.objects.count() == 0
    assert Person.objects.count() == 0
    assert OutboundMessage.objects.count() == 0


def test_a_reference_already_in_use_is_replaced_by_a_fresh_one(programmes, areas, monkeypatch):
    first = submit(areas["mombasa"], ["old-age-pension"], key="a")
    fresh = "123456789" + str(damm_check_digit("123456789"))
    drawn = iter([first.application.reference, first.application.reference, fresh])
    monkeypatch.setattr("registry.services.new_reference", lambda kind: next(drawn))
    second = submit(areas["kilifi"], ["child-support-grant"], key="b", phone="+254722000111", given_name="Zawadi")
    assert second.created
    assert second.application.reference == fresh
    assert Application.objects.count() == 2
    assert second.application.programme_applications.count() == 1


def test_a_person_under_the_minimum_age_is_told_what_to_do_and_nothing_is_created(programmes, areas, settings):
    this_year = timezone.localdate().year
    with pytest.raises(ApplicationError) as refused:
        submit(areas["mombasa"], ["old-age-pension"], birth_year=this_year - 12)
    assert refused.value.code == "too_young"
    assert "18 or older" in refused.value.messages[0] and "call you back" in refused.value.messages[0]
    assert Application.objects.count() == 0 and Person.objects.count() == 0

    settings.APPLICANT_MIN_AGE = 16
    assert submit(areas["mombasa"], ["old-age-pension"], birth_year=this_year - 16).created


def test_a_full_date_of_birth_counts_the_birthday_to_the_day(programmes, areas):
    today = timezone.localdate()
    tomorrow_18_years_ago = (today + timedelta(days=1)).replace(year=today.year - 18)
    with pytest.raises(ApplicationError):
        submit(areas["mombasa"], ["old-age-pension"], birth_year=today.year - 18, date_of_birth=tomorrow_18_years_ago)
    today_18_years_ago = today.replace(year=today.year - 18)
    assert submit(
        areas["mombasa"], ["old-age-pension"], birth_year=today.year - 18, date_of_birth=today_18_years_ago
    ).created


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦٧٨", "１２３４５６７８", "12-345 678"])
def test_a_national_id_in_other_digits_is_the_same_id(programmes, areas, typed):
    submit(areas["mombasa"], ["old-age-pension"], key="a", national_id="12345678")
    with pytest.raises(ApplicationError) as refused:
        submit(
            areas["kilifi"], ["old-age-pension"], key="b", national_id=typed, phone="+254722000111", given_name="Zed"
        )
    assert refused.value.code == "national_id_elsewhere"
    assert "12345678" not in refused.value.messages[0]


def test_a_repeated_key_shows_only_its_own_applicants_requests(programmes, areas):
    first = submit(areas["mombasa"], ["old-age-pension"], key="k1")
    other = submit(
        areas["kilifi"],
        ["child-support-grant"],
        key="c",
        national_id="99887766",
        phone="+254722000111",
        given_name="Zed",
    )
    again = submit(
        areas["kilifi"],
        ["child-support-grant"],
        key="k1",
        national_id="99887766",
        phone=OTHER_PHONE,
        given_name="Zed",
    )
    assert again.application == first.application
    assert other.application.reference not in again.references.values()
