"""Applying on the web: one question per page, advice, check your answers, one submission."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from portal.models import ApplicationDraft
from registry.models import Application, ProgrammeApplication
from sms.models import OutboundMessage
from tests.portal_helpers import PHONE, answers_for, fill_application, last_code, let_a_minute_pass, sign_in, url

pytestmark = pytest.mark.django_db

THREE = ("old-age-pension", "disability-grant", "emergency-cash")


def submit(client):
    return client.post(url("apply_submit"))


def test_three_programmes_at_once_make_one_application_three_requests_and_one_sms(client, programmes, areas):
    fill_application(client, areas, THREE)
    sign_in(client)
    response = submit(client)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == "web"
    assert sorted(pa.programme.code for pa in application.programme_applications.all()) == sorted(THREE)
    assert OutboundMessage.objects.filter(to=PHONE, template="application_received").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert re.sub(r"\s", "", application.reference) in re.sub(r"\s", "", page)
    assert "What happens next" in page


def test_submitting_twice_creates_nothing_new(client, programmes, areas):
    fill_application(client, areas, THREE)
    sign_in(client)
    submit(client)
    second = submit(client)
    assert second.status_code == 302
    assert second["Location"] == url("apply_done")
    assert Application.objects.count() == 1
    assert ProgrammeApplication.objects.count() == 3
    assert OutboundMessage.objects.filter(template="application_received").count() == 1


def test_a_draft_sent_again_with_its_key_finds_the_same_application(client, programmes, areas):
    fill_application(client, areas, THREE)
    sign_in(client)
    draft = ApplicationDraft.objects.get(user__username=PHONE).data
    submit(client)
    ApplicationDraft.objects.create(user=Application.objects.get().applicant.user, data=draft)  # a replayed draft
    response = submit(client)
    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert OutboundMessage.objects.filter(template="application_received").count() == 1


@pytest.mark.parametrize(("language", "written"), [("en", "3 April 1950"), ("fr", "3 avril 1950")])
def test_check_your_answers_writes_the_month_of_birth_in_words(client, programmes, areas, language, written):
    fill_application(client, areas, language=language)
    prefix = "" if language == "en" else f"/{language}"
    check = client.get(prefix + url("apply_check")).content.decode()
    assert written in check and "3/4/1950" not in check


def test_the_phone_is_verified_before_anything_is_submitted(client, programmes, areas):
    fill_application(client, areas)
    check = client.get(url("apply_check")).content.decode()
    assert "Accept and send" not in check
    assert url("sign_in") + "?next=" in check
    response = submit(client)
    assert response.status_code == 302
    assert response["Location"].startswith(url("sign_in"))
    assert Application.objects.count() == 0


def test_signing_in_keeps_the_answers_and_comes_back_to_check_them(client, programmes, areas):
    fill_application(client, areas)
    client.get(url("sign_in"), {"next": url("apply_check")})
    client.post(url("sign_in"), {"phone": PHONE})
    response = client.post(url("sign_in_code"), {"code": last_code(PHONE)})
    assert response["Location"] == url("apply_check")
    check = client.get(url("apply_check")).content.decode()
    assert "Amina Hassan" in check
    assert "Accept and send" in check


def test_a_signed_in_citizen_can_leave_and_resume_later(client, programmes, areas):
    sign_in(client)
    for step, data in answers_for(areas)[:3]:
        client.post(url("apply_step", step), data)
    later = Client()
    let_a_minute_pass()
    sign_in(later)
    start = later.get(url("apply_start")).content.decode()
    assert "Continue your application" in start
    assert url("apply_step", "national-id") in start
    assert later.get(url("apply_step", "name")).context["form"]["given_name"].value() == "Amina"


def test_a_question_cannot_be_skipped(client, programmes, areas):
    response = client.get(url("apply_step", "income"))
    assert response.status_code == 302
    assert response["Location"] == url("apply_step", "name")
    assert client.get(url("apply_check"))["Location"] == url("apply_step", "name")


def test_an_unknown_question_is_not_found(client, programmes):
    assert client.get(url("apply_step", "shoe-size")).status_code == 404


def test_errors_are_listed_at_the_top_and_tied_to_their_fields(client, programmes):
    response = client.post(url("apply_step", "name"), {"given_name": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error-summary" role="alert"' in body
    assert '<a href="#id_given_name">Enter your first name.</a>' in body
    assert 'id="id_given_name-error"' in body
    assert 'aria-describedby="id_given_name-error"' in body
    assert 'aria-invalid="true"' in body
    assert "<title>Error:" in body


def test_errors_on_a_group_of_choices_link_to_the_first_choice(client, programmes, areas):
    for step, data in answers_for(areas)[:2]:
        client.post(url("apply_step", step), data)
    body = client.post(url("apply_step", "sex"), {}).content.decode()
    assert '<a href="#id_sex_0">Choose your sex.</a>' in body
    assert '<fieldset aria-describedby="id_sex-error">' in body


def test_errors_are_in_the_page_language(client, programmes):
    body = client.post(url("apply_step", "name", language="fr"), {"given_name": ""}).content.decode()
    assert '<html lang="fr" dir="ltr">' in body
    from django.utils import translation

    with translation.override("fr"):
        expected = translation.gettext("Enter your first name.")
    assert expected in body


def test_an_impossible_date_of_birth_is_explained(client, programmes, areas):
    client.post(url("apply_step", "name"), {"given_name": "Amina"})
    body = client.post(url("apply_step", "date-of-birth"), {"day": "31", "month": "2", "year": "1980"}).content.decode()
    assert '<a href="#id_day">Date of birth must be a real date' in body


def test_a_child_is_told_who_can_apply_instead(client, programmes, areas):
    client.post(url("apply_step", "name"), {"given_name": "Baraka"})
    year = str(timezone.localdate().year - 12)
    response = client.post(url("apply_step", "date-of-birth"), {"day": "1", "month": "1", "year": year})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Applicants must be 18 or older. An adult in your household can apply for you" in body


def test_a_national_id_of_one_digit_is_questioned(client, programmes, areas):
    client.post(url("apply_step", "name"), {"given_name": "Amina"})
    client.post(url("apply_step", "date-of-birth"), {"day": "1", "month": "1", "year": "1980"})
    client.post(url("apply_step", "sex"), {"sex": "female"})
    response = client.post(url("apply_step", "national-id"), {"national_id": "1"})
    assert "A national ID number has 5 to 20 letters and numbers" in response.content.decode()


def test_numbers_that_do_not_add_up_are_refused(client, programmes, areas):
    fill_steps = answers_for(areas)[:5]
    for step, data in fill_steps:
        client.post(url("apply_step", step), data)
    body = client.post(
        url("apply_step", "children"), {"children_under_18": "1", "children_under_5": "2"}
    ).content.decode()
    assert "cannot be larger" in body


def test_the_advice_gives_reasons_for_every_open_programme(client, programmes, areas):
    for step, data in answers_for(areas)[:10]:
        client.post(url("apply_step", step), data)
    response = client.get(url("apply_step", "advice"))
    results = response.context["results"]
    assert {r.programme.code for r in results} == set(programmes)
    assert all(r.reasons for r in results)
    body = response.content.decode()
    assert "You may qualify" in body and "You may not qualify" in body


def test_a_programme_pages_apply_link_preselects_the_programme(client, programmes, areas):
    response = client.get(url("apply_start"), {"programme": "disability-grant"})
    assert response.status_code == 302
    for step, data in answers_for(areas)[:11]:
        client.post(url("apply_step", step), data)
    form = client.get(url("apply_step", "programmes")).context["form"]
    assert form["programmes"].value() == ["disability-grant"]


def test_a_change_link_comes_back_to_check_your_answers(client, programmes, areas):
    fill_application(client, areas)
    check = client.get(url("apply_check")).content.decode()
    for step in ("name", "date-of-birth", "sex", "national-id", "household", "income", "programmes"):
        assert f'href="{url("apply_step", step)}?change=1"' in check
    response = client.post(url("apply_step", "name") + "?change=1", {"given_name": "Zawadi"})
    assert response["Location"] == url("apply_check")
    assert "Zawadi" in client.get(url("apply_check")).content.decode()


def test_changing_the_region_asks_for_the_district_again(client, programmes, areas):
    fill_application(client, areas)
    response = client.post(url("apply_step", "region") + "?change=1", {"region": str(areas["nairobi"].pk)})
    assert response["Location"] == url("apply_step", "district")
    assert [a.name for a in client.get(url("apply_step", "district")).context["form"].fields["district"].queryset] == [
        "Kibra",
        "Westlands",
    ]


def test_consent_links_to_the_full_privacy_notice(client, programmes, areas):
    for step, data in answers_for(areas)[:12]:
        client.post(url("apply_step", step), data)
    body = client.get(url("apply_step", "consent")).content.decode()
    assert "Read the full privacy notice" in body
    assert client.post(url("apply_step", "consent"), {}).status_code == 200


def test_the_national_id_is_never_kept_in_the_answers(client, programmes, areas):
    steps = answers_for(areas)
    steps[3] = ("national-id", {"national_id": "12345678"})
    for step, data in steps:
        client.post(url("apply_step", step), data)
    sign_in(client)
    submit(client)
    application = Application.objects.get()
    assert "12345678" not in str(application.answers)
    assert application.applicant.national_id_last3 == "678"


def test_the_applicant_is_linked_to_the_citizen(client, programmes, areas):
    fill_application(client, areas)
    sign_in(client)
    submit(client)
    assert Application.objects.get().applicant.user.username == PHONE


def test_no_page_of_the_journey_needs_javascript(client, programmes, areas):
    pages = [url("apply_start")]
    for step, data in answers_for(areas):
        pages.append(url("apply_step", step))
        client.post(url("apply_step", step), data)
    pages.append(url("apply_check"))
    for page in pages:
        body = client.get(page).content.decode()
        assert "<script" not in body.lower(), page


def test_a_national_id_with_stray_symbols_is_refused_not_altered(client, programmes, areas):
    for step, data in answers_for(areas)[:3]:
        client.post(url("apply_step", step), data)
    response = client.post(url("apply_step", "national-id"), {"national_id": "abc!"})
    assert response.status_code == 200
    assert "Use only letters and numbers." in response.content.decode()
    accepted = client.post(url("apply_step", "national-id"), {"national_id": "12 345-678"})
    assert accepted.status_code == 302
