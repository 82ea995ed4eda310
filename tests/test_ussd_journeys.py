"""Every USSD journey, walked end to end in en, fr, sw and ar, ends in the right records and SMS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from backoffice.roles import GRIEVANCE_OFFICER, SUPERVISOR
from grievances.models import CallbackRequest, Category, Grievance
from grievances.pins import check_pin
from grievances.services import TransitionError, transition
from grievances.workflow import SYSTEM, CitizenActor
from registry.models import Application, PhonePreference, ProgrammeApplication
from registry.references import format_reference
from sms.models import OutboundMessage
from tests.backoffice_helpers import make_staff
from ussd.testing import (
    APPLY,
    CALL_ME_BACK,
    COMPLAINT,
    LANGUAGE,
    LANGUAGE_KEYS,
    MY_APPLICATIONS,
    TRACK,
    UssdPhone,
    apply_answers,
    pick_and_send,
    reference_and_pin,
)

pytestmark = pytest.mark.django_db

LANGUAGES = list(LANGUAGE_KEYS)
PHONE = "+254712345678"
OTHER_PHONE = "+254722000111"


def first_dial(client, language: str, phone: str = PHONE) -> UssdPhone:
    phone_ = UssdPhone(client, phone=phone)
    phone_.dial()
    if phone_.screen_name == "language":
        phone_.send(LANGUAGE_KEYS[language])
    return phone_


def dial_again(client, phone: str = PHONE) -> UssdPhone:
    phone_ = UssdPhone(client, phone=phone)
    phone_.dial()
    return phone_


def reference_in(screen: str) -> str:
    return reference_and_pin(screen)[0]


def apply_once(client, programmes, language: str, phone: str = PHONE, picks=(1,)) -> Application:
    session = first_dial(client, language, phone)
    session.send(APPLY, *apply_answers(), *pick_and_send(len(programmes), picks))
    assert session.ended
    return Application.objects.get(idempotency_key=f"ussd:{session.session_id}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apply_journey_ends_in_an_application_a_consent_and_two_sms(client, programmes, areas, language):
    session = first_dial(client, language)
    session.send(APPLY, *apply_answers(district="2"))
    advice = session.screen
    assert "+ " in advice and "- " in advice  # likely and unlikely programmes are both listed
    session.send(*pick_and_send(len(programmes), picks=(1, 2)))

    assert session.ended
    application = Application.objects.get(idempotency_key=f"ussd:{session.session_id}")
    assert reference_in(session.screen) == application.reference
    assert application.channel == "ussd" and application.language == language
    assert application.applicant.phone == PHONE
    assert application.applicant.given_name == "Amina" and application.applicant.family_name == "Wanjiru"
    assert application.applicant.birth_year == 1950 and application.applicant.sex == "female"
    assert application.household.area == areas["mombasa"] and application.household.size == 4
    assert (application.household.children_under_18, application.household.children_under_5) == (2, 1)
    assert application.consent.channel == "ussd" and application.consent.version
    codes = sorted(application.programme_applications.values_list("programme__code", flat=True))
    assert codes == ["child-support-grant", "old-age-pension"]
    sms = OutboundMessage.objects.filter(to=PHONE)
    assert sorted(sms.values_list("template", flat=True)) == ["application_received", "consent_notice_link"]
    assert set(sms.values_list("language", flat=True)) == {language}
    assert "/privacy/" in sms.get(template="consent_notice_link").body
    assert PhonePreference.objects.get(phone=PHONE).language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_child_is_told_who_can_apply_and_offered_a_call_back(client, programmes, language):
    session = first_dial(client, language)
    session.send(APPLY, "Baraka Otieno", "12")
    assert session.screen_name == "apply_too_young"
    with translation.override(language):
        expected = translation.pgettext("ussd", "You must be %(age)s or older to apply.") % {"age": 18}
    assert session.screen.startswith(expected[:30])
    session.send("1")
    assert session.ended
    request = CallbackRequest.objects.get(phone=PHONE)
    assert request.reason == CallbackRequest.Reason.APPLICATION and request.language == language
    assert dial_again(client).screen_name == "main"  # nothing left to resume


def test_a_typing_slip_at_the_age_question_can_be_corrected(client, programmes):
    session = first_dial(client, "en")
    session.send(APPLY, "Baraka Otieno", str(timezone.localdate().year - 9))
    assert session.screen_name == "apply_too_young"
    session.send("0", "21")
    assert session.screen_name == "apply_sex"


@pytest.mark.parametrize("language", LANGUAGES)
def test_someone_elses_national_id_reveals_nothing_and_points_to_a_call_back(client, programmes, language):
    owner = first_dial(client, "en")
    answers = apply_answers()
    answers[3] = "12345678"  # the national ID question
    owner.send(APPLY, *answers, *pick_and_send(len(programmes)))
    owner_reference = Application.objects.get().reference

    stranger = first_dial(client, language, phone=OTHER_PHONE)
    stranger.send(APPLY, *answers[:1], "1980", *answers[2:], *pick_and_send(len(programmes)))

    assert stranger.ended and Application.objects.count() == 1
    assert owner_reference not in stranger.screen.replace(" ", "")
    with translation.override(language):
        expected = translation.gettext(
            "We cannot take this application from this phone. Ask us to call you back and we will help."
        )
    assert stranger.screen.startswith(expected[:40])


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_key_applies_to_every_likely_programme(client, programmes, language):
    session = first_dial(client, language)
    session.send(APPLY, *apply_answers(), "1", str(len(programmes) + 1), "1", "1")
    application = Application.objects.get(idempotency_key=f"ussd:{session.session_id}")
    likely = set(
        application.programme_applications.filter(prescreen="likely").values_list("programme__code", flat=True)
    )
    chosen = set(application.programme_applications.values_list("programme__code", flat=True))
    assert chosen == likely and "old-age-pension" in chosen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_is_asked_once_then_remembered_for_the_phone(client, programmes, language):
    session = first_dial(client, language)
    assert session.screen_name == "main"
    again = dial_again(client)
    assert again.screen_name == "main" and "العربية" not in again.screen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_can_be_changed_from_the_main_menu(client, programmes, language):
    session = first_dial(client, "en")
    session.send(LANGUAGE, LANGUAGE_KEYS[language])
    assert session.screen_name == "main"
    assert PhonePreference.objects.get(phone=PHONE).language == language
    assert apply_once(client, programmes, language, picks=(1,)).language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_applications_lists_each_programme_then_appeals_a_refusal(client, programmes, language):
    application = apply_once(client, programmes, language, picks=(1, 2))
    refused = application.programme_applications.get(programme__code="child-support-grant")
    ProgrammeApplication.objects.filter(pk=refused.pk).update(
        status=ProgrammeApplication.Status.NOT_ELIGIBLE,
        decided_at=timezone.now(),
        decision_text="Income above the limit.",
    )
    session = dial_again(client)
    session.send(MY_APPLICATIONS)
    listing = session.screen
    assert listing.count("\n1 ") + listing.count("\n2 ") == 2
    with translation.override(language):  # the same words as on the web and in SMS
        assert f": {ProgrammeApplication.Status.SUBMITTED.label}\n" in listing
        assert f": {ProgrammeApplication.Status.NOT_ELIGIBLE.label}\n" in listing
    session.send("2")  # programmes are listed in display order: the child grant second
    assert "Income above the limit." in session.every_page()  # the reason, read on as many pages as it needs
    session.send("1", "I have 3 children and no work", "1")

    assert session.ended
    appeal = Grievance.objects.get(kind=Grievance.Kind.APPEAL)
    assert reference_in(session.screen) == appeal.reference
    assert appeal.category == Category.DECISION_APPEAL and appeal.channel == "ussd"
    assert appeal.related_programme_application_id == refused.pk
    assert appeal.description == "I have 3 children and no work" and appeal.language == language
    assert OutboundMessage.objects.filter(to=PHONE, template="appeal_received").count() == 1


def test_a_decision_that_cannot_be_appealed_offers_no_appeal(client, programmes):
    application = apply_once(client, programmes, "en", picks=(1,))
    ProgrammeApplication.objects.filter(application=application).update(
        status=ProgrammeApplication.Status.NOT_ELIGIBLE, decided_at=timezone.now() - timedelta(days=90)
    )
    session = dial_again(client)
    session.send(MY_APPLICATIONS, "1")
    assert "\n1 " not in session.screen
    session.send("1")
    assert "\n1 " not in session.screen and Grievance.objects.count() == 0


def test_a_phone_without_applications_is_offered_to_apply(client, programmes):
    session = first_dial(client, "en")
    session.send(MY_APPLICATIONS)
    assert session.screen_name == "my_applications" and "\n1 " in session.screen
    session.send("1")
    assert session.screen_name == "apply_name"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_complaint_with_the_phone_kept_is_acknowledged_by_sms(client, programmes, language):
    session = first_dial(client, language)
    session.send(COMPLAINT, "1", "No payment since March", "1", "1")

    assert session.ended
    case = Grievance.objects.get()
    assert reference_in(session.screen) == case.reference
    assert case.category == Category.PAYMENT_NOT_RECEIVED and case.kind == Grievance.Kind.COMPLAINT
    assert case.channel == "ussd" and case.contact_phone == PHONE and not case.is_anonymous
    assert case.language == language and case.description == "No payment since March"
    sms = OutboundMessage.objects.get(to=PHONE, template="grievance_received")
    assert sms.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_anonymous_complaint_shows_its_reference_and_pin_once_and_sends_nothing(client, programmes, language):
    session = first_dial(client, language)
    session.send(COMPLAINT, "5", "An officer asked me for money", "2", "1")

    assert session.ended
    case = Grievance.objects.get()
    assert case.is_anonymous and case.contact_phone == "" and case.complainant is None
    assert case.is_sensitive and case.category == Category.FRAUD_CORRUPTION
    assert reference_in(session.screen) == case.reference
    _reference, pin = reference_and_pin(session.screen)
    assert check_pin(pin, case.tracking_pin_hash)
    assert not OutboundMessage.objects.filter(template__in=["grievance_received", "appeal_received"]).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_tracking_from_the_same_phone_shows_the_status_and_last_reply(client, programmes, language):
    first_dial(client, language).send(COMPLAINT, "1", "No payment since March", "1", "1")
    case = Grievance.objects.get()
    case.events.create(kind="reply", is_public=True, message="We are checking with the bank.")

    session = dial_again(client)
    session.send(TRACK, case.reference)
    assert session.screen_name == "track_result"
    assert reference_in(session.screen) == case.reference
    text = session.every_page()
    with translation.override(language):
        assert str(case.get_status_display()) in text
    assert "We are checking" in text  # the last public reply, over as many pages as it needs


@pytest.mark.parametrize("language", LANGUAGES)
def test_tracking_an_anonymous_case_asks_for_its_pin(client, programmes, language):
    filing = first_dial(client, language, phone=OTHER_PHONE)
    filing.send(COMPLAINT, "1", "No payment since March", "2", "1")
    case = Grievance.objects.get()
    _reference, pin = reference_and_pin(filing.screen)

    session = first_dial(client, language)
    session.send(TRACK, case.reference)
    assert not session.ended  # the PIN question
    wrong = str((int(pin) + 1) % 10000).zfill(4)
    session.send(wrong)
    assert not session.ended
    session.send(pin)
    assert session.screen_name == "track_result" and reference_in(session.screen) == case.reference


def resolve(case: Grievance, reply: str) -> None:
    officer = make_staff(f"officer-{case.pk}", GRIEVANCE_OFFICER)
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome="not_upheld", text=reply)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answer_to_a_complaint_can_be_appealed_after_tracking_it(client, programmes, language):
    first_dial(client, language).send(COMPLAINT, "1", "No payment since March", "1", "1")
    case = Grievance.objects.get()
    resolve(case, "The payment was made on 3 May.")

    session = dial_again(client)
    session.send(TRACK, case.reference)
    assert session.screen_name == "track_result" and reference_in(session.screen) == case.reference
    assert "The payment was made" in session.every_page()
    session.send("1", "I never received it", "1")

    assert session.ended
    appeal = Grievance.objects.get(kind=Grievance.Kind.APPEAL)
    assert appeal.appeal_of == case and appeal.channel == "ussd" and appeal.language == language
    assert appeal.description == "I never received it" and appeal.contact_phone == PHONE
    assert reference_in(session.screen) == appeal.reference
    assert OutboundMessage.objects.filter(to=PHONE, template="grievance_received").count() == 1
    assert OutboundMessage.objects.filter(to=PHONE, template="appeal_received").count() == 1
    again = dial_again(client)
    again.send(TRACK, case.reference)  # an appeal is open: the answer is shown, no second appeal
    text = again.every_page()
    with translation.override(language):  # the answer may still be rated, not appealed again
        rate_line = "\n1 " + pgettext("ussd", "Rate the answer")
    assert again.screen_name == "track_result" and "\n1 " not in text.replace(rate_line, "")
    assert format_reference(appeal.reference) in text  # the appeal is named, to follow it
    assert Grievance.objects.filter(kind=Grievance.Kind.APPEAL).count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_anonymous_complaint_is_appealed_with_its_pin_and_stays_anonymous(client, programmes, language):
    filing = first_dial(client, language, phone=OTHER_PHONE)
    filing.send(COMPLAINT, "1", "No payment since March", "2", "1")
    _reference, pin = reference_and_pin(filing.screen)
    case = Grievance.objects.get()
    resolve(case, "The payment was made on 3 May.")

    session = first_dial(client, language)
    session.send(TRACK, case.reference, pin, "1", "I never received it", "1")

    assert session.ended
    appeal = Grievance.objects.get(kind=Grievance.Kind.APPEAL)
    assert appeal.appeal_of == case and appeal.is_anonymous and appeal.contact_phone == ""
    new_reference, new_pin = reference_and_pin(session.screen)
    assert new_reference == appeal.reference and check_pin(new_pin, appeal.tracking_pin_hash)
    with translation.override(language):
        note = translation.pgettext("ussd", "Appeal sent. Note these: they are shown only once.")
    assert note[:12] in session.screen
    assert not OutboundMessage.objects.filter(template__in=["grievance_received", "appeal_received"]).exists()


def test_a_second_appeal_of_the_same_answer_is_refused_and_a_repeat_files_nothing_new(client, programmes):
    first_dial(client, "en").send(COMPLAINT, "1", "No payment since March", "1", "1")
    case = Grievance.objects.get()
    resolve(case, "The payment was made on 3 May.")
    owner = CitizenActor(channel="ussd", phone=PHONE)
    appealed = transition(case, "appeal", owner, text="Never received", idempotency_key="k-1")
    repeat = transition(case, "appeal", owner, text="Never received", idempotency_key="k-1")
    assert repeat.appeal == appealed.appeal and repeat.event == appealed.event
    with pytest.raises(TransitionError):
        transition(case, "appeal", owner, text="Again", idempotency_key="k-2")
    assert Grievance.objects.filter(kind=Grievance.Kind.APPEAL).count() == 1
    assert case.events.filter(action="appeal").count() == 1


def test_a_reopened_case_does_not_show_its_cancelled_decision_as_the_answer(client, programmes):
    first_dial(client, "en").send(COMPLAINT, "1", "No payment since March", "1", "1")
    case = Grievance.objects.get()
    resolve(case, "The payment was made on 3 May.")
    supervisor = make_staff("sam", SUPERVISOR)
    transition(case, "close", SYSTEM)
    transition(case, "reopen", supervisor, text="The bank says otherwise.")
    session = dial_again(client)
    session.send(TRACK, case.reference)
    assert "The payment was made" not in session.every_page()


def test_an_answer_past_its_appeal_window_is_shown_without_an_appeal(client, programmes):
    first_dial(client, "en").send(COMPLAINT, "1", "No payment since March", "1", "1")
    case = Grievance.objects.get()
    resolve(case, "The payment was made on 3 May.")
    Grievance.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - timedelta(days=31))

    session = dial_again(client)
    session.send(TRACK, case.reference)
    text = session.every_page()
    assert session.screen_name == "track_result" and "The payment was made" in text
    assert "Appeal" not in text
    session.send("1")  # not an option here
    assert not Grievance.objects.filter(kind=Grievance.Kind.APPEAL).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_call_me_back_creates_one_request_and_says_when(client, programmes, language):
    session = first_dial(client, language)
    session.send(CALL_ME_BACK, "2")
    assert session.ended and "48" in session.screen
    request = CallbackRequest.objects.get()
    assert (request.phone, request.reason, request.channel, request.language) == (PHONE, "payment", "ussd", language)

    again = dial_again(client)
    again.send(CALL_ME_BACK, "1")
    assert again.ended and "48" in again.screen and CallbackRequest.objects.count() == 1


def test_regions_are_listed_in_the_callers_language(client, programmes):
    from demo.areas_and_programmes import create_areas
    from ussd.testing import APPLY, LANGUAGE_KEYS, UssdPhone, apply_answers

    create_areas()
    phone = UssdPhone(client, phone="+254700111222")
    phone.dial()
    phone.send(LANGUAGE_KEYS["sw"], APPLY, *apply_answers()[:4])
    assert phone.screen_name == "apply_region"
    assert "Pwani" in phone.replies[-1] and "Coast" not in phone.replies[-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_someone_who_applied_is_told_at_the_start_and_offered_only_the_other_programmes(client, programmes, language):
    apply_once(client, programmes, language, picks=(1,))  # the old-age pension
    session = dial_again(client)
    session.send(APPLY)

    assert session.screen_name == "apply_already_asked"  # before any question
    with translation.override(language):
        assert pgettext("ussd", "This phone already applied to:") in session.screen
    assert programmes["old-age-pension"].short_name(language) in session.screen
    session.send("1", *apply_answers(), "1")  # apply to the others, then the same questions
    assert session.screen_name == "apply_pick"
    picker = session.every_page()
    assert programmes["old-age-pension"].short_name(language) not in picker
    assert programmes["child-support-grant"].short_name(language) in picker
    others = len(programmes) - 1
    session.send("1", str(others + 2))  # the first of the others, done
    assert session.screen_name == "apply_consent"
    session.send("1", "1")

    assert session.ended
    # The privacy notice was sent with the first application only.
    assert OutboundMessage.objects.filter(to=PHONE, template="consent_notice_link").count() == 1
    asked = ProgrammeApplication.objects.filter(application__applicant__phone=PHONE)
    assert sorted(asked.values_list("programme__code", flat=True)) == ["child-support-grant", "old-age-pension"]


def test_someone_else_on_a_shared_phone_can_still_apply_to_every_programme(client, programmes):
    apply_once(client, programmes, "en", picks=(1,))
    session = dial_again(client)
    session.send(APPLY, "2", *apply_answers(name="Baraka Otieno"), "1")
    assert session.screen_name == "apply_pick"
    assert programmes["old-age-pension"].short_name("en") in session.every_page()
