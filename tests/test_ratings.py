"""The citizen's verdict: each answer rated once, 1 to 5, on SMS, USSD or the web; a poor one leads to the appeal."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.roles import GRIEVANCE_OFFICER, ME_VIEWER
from grievances.models import Grievance, GrievanceEvent
from grievances.ratings import RatingError, can_rate, case_to_rate_for_phone, rate_answer
from grievances.services import file_grievance, transition
from grievances.workflow import CitizenActor
from sms.commands import RATE, parse_command
from sms.models import OutboundMessage
from sms.templates import render
from tests.backoffice_helpers import make_staff, sign_in_verified
from tests.fakes.fake_at import inbound_fields
from tests.portal_helpers import PHONE, apply_as, sign_in, url
from ussd.testing import LANGUAGE_KEYS, TRACK, UssdPhone

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.fakes.fixtures"]

_ids = itertools.count(1)


def answered(case: Grievance, outcome: str = "not_upheld") -> Grievance:
    """An officer takes the case and resolves it."""
    officer = make_staff(f"officer-{case.pk}", GRIEVANCE_OFFICER)
    transition(case, "assign", officer, assignee=officer)
    transition(case, "resolve", officer, outcome=outcome, text="We checked with the bank: the payment left on time.")
    return case


def complaint(phone: str = PHONE, **kwargs) -> Grievance:
    kwargs.setdefault("category", "payment_not_received")
    return file_grievance(
        description="No payment in May.", channel="web", language="en", phone=phone, **kwargs
    ).grievance


def owner(phone: str = PHONE, channel: str = "web") -> CitizenActor:
    return CitizenActor(channel=channel, phone=phone)


# --- The rule -------------------------------------------------------------------------------------


def test_an_answer_is_rated_once_with_an_internal_timeline_event():
    case = answered(complaint())

    result = rate_answer(case, 4, owner())

    assert (result.created, result.offer_appeal, case.rating, case.rating_channel) == (True, False, 4, "web")
    event = case.events.get(kind=GrievanceEvent.Kind.RATING)
    assert (event.message, event.is_public, event.channel) == ("4/5", False, "web")
    assert rate_answer(case, 4, owner()).created is False  # the same rating again: nothing new
    with pytest.raises(RatingError):
        rate_answer(case, 2, owner())
    assert case.events.filter(kind=GrievanceEvent.Kind.RATING).count() == 1


def test_a_case_without_an_answer_cannot_be_rated():
    case = complaint()

    assert not can_rate(case)
    with pytest.raises(RatingError):
        rate_answer(case, 5, owner())


def test_a_case_not_taken_forward_is_not_rated_and_an_old_answer_no_longer_can_be(settings):
    rejected = complaint()
    transition(rejected, "reject", make_staff("rita", GRIEVANCE_OFFICER), reason="duplicate")
    old = answered(complaint())
    Grievance.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=31))
    old.refresh_from_db()

    assert not can_rate(rejected)
    assert not can_rate(old)


def test_nobody_but_the_complainant_rates_an_answer():
    case = answered(complaint())

    with pytest.raises(RatingError):
        rate_answer(case, 1, owner(phone="+254799999999"))
    assert Grievance.objects.get(pk=case.pk).rating is None


def test_a_poor_rating_offers_the_appeal_while_it_is_open():
    case = answered(complaint())

    assert rate_answer(case, 2, owner()).offer_appeal is True


def test_anonymous_complaints_are_rated_by_whoever_showed_the_pin():
    filing = file_grievance(
        category="other", description="Nobody answers.", channel="web", language="en", anonymous=True
    )
    case = answered(filing.grievance)

    result = rate_answer(case, 5, CitizenActor(channel="web", pin_checked_for=case.reference))

    assert result.created and case.rating == 5


# --- SMS ------------------------------------------------------------------------------------------


def send_sms(client, token: str, text: str, sender: str = PHONE):
    message_id = f"ATXrate_{next(_ids)}"
    assert client.post(f"/sms/at/{token}/inbound/", inbound_fields(sender, text, message_id)).status_code == 200
    return OutboundMessage.objects.filter(dedupe_key=f"sms-reply:{message_id}").first()


@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_the_resolution_sms_tells_how_to_rate(language):
    text = render("grievance_resolved", language, {"reference": "2 4821 7730 5", "due_date": "28/11/2026"})

    assert "1" in text.replace("2 4821 7730 5", "") and "5" in text.replace("2 4821 7730 5", "")


def test_the_resolution_sms_is_sent_with_the_rating_question():
    case = answered(complaint())

    sms = OutboundMessage.objects.get(to=PHONE, template="grievance_resolved")
    assert "Rate it: reply 1" in sms.body and case.reference[1:5] in sms.body


@pytest.mark.parametrize("text", ["4", " 4 ", "4.", "٤", "４"])
def test_a_bare_digit_is_read_as_a_rating(text):
    assert parse_command(text).command == RATE and parse_command(text).argument == "4"


@pytest.mark.parametrize("text", ["2 4821 7730 5", "6", "0", "45", "4 stars please"])
def test_other_numbers_are_not_ratings(text):
    assert parse_command(text).command != RATE


def test_an_sms_reply_of_a_digit_rates_the_latest_answered_case(client, callback_token):
    case = answered(complaint())

    reply = send_sms(client, callback_token, "4")

    case.refresh_from_db()
    assert (case.rating, case.rating_channel) == (4, "sms")
    assert reply.template == "rating_thanks"
    again = send_sms(client, callback_token, "5")
    assert again.template == "rating_already" and Grievance.objects.get(pk=case.pk).rating == 4


def test_a_poor_sms_rating_gets_the_appeal_instructions(client, callback_token):
    case = answered(complaint())

    reply = send_sms(client, callback_token, "١")  # 1 in Arabic-Indic digits

    assert reply.template == "rating_poor"
    assert "*384*1#" in reply.body and "CALL" in reply.body and case.reference[1:5] in reply.body
    assert Grievance.objects.get(pk=case.pk).rating == 1


def test_a_digit_from_a_phone_with_nothing_to_rate_gets_help(client, callback_token):
    complaint()  # open, not answered

    reply = send_sms(client, callback_token, "3")

    assert reply.template == "help"
    assert case_to_rate_for_phone(PHONE) is None


# --- USSD -----------------------------------------------------------------------------------------


def track_by_ussd(client, case: Grievance) -> UssdPhone:
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    if phone.screen_name == "language":
        phone.send(LANGUAGE_KEYS["en"])
    phone.send(TRACK, case.reference)
    assert phone.screen_name == "track_result"
    return phone


def test_tracking_an_answered_case_by_ussd_asks_for_a_rating(client, programmes):
    case = answered(complaint(), outcome="upheld")
    phone = track_by_ussd(client, case)
    assert "1 Appeal" in phone.every_page() and "2 Rate the answer" in phone.every_page()

    phone.send("2")
    assert phone.screen_name == "rate_answer" and "5 Very good" in phone.screen
    reply = phone.send("4")

    assert reply.startswith("END ") and "Thank you" in reply
    assert Grievance.objects.get(pk=case.pk).rating == 4
    again = track_by_ussd(client, case)
    assert "Your rating: 4 of 5" in again.every_page() and "Rate the answer" not in again.every_page()


def test_a_poor_ussd_rating_puts_the_appeal_one_key_away(client, programmes):
    case = answered(complaint())
    phone = track_by_ussd(client, case)

    phone.send("2", "2")
    assert phone.screen_name == "rating_poor" and "1 Appeal" in phone.screen
    phone.send("1")
    assert phone.screen_name == "appeal_reason"
    reply = phone.send("The bank says nothing arrived", "1")

    assert reply.startswith("END ") and "Appeal sent" in reply
    appeal = Grievance.objects.get(appeal_of=case)
    assert appeal.kind == Grievance.Kind.APPEAL and appeal.channel == "ussd"


# --- Web ------------------------------------------------------------------------------------------


@pytest.fixture
def own_answered_case(programmes, areas):
    application = apply_as(PHONE)
    case = file_grievance(
        category="payment_not_received",
        description="No payment in May.",
        channel="web",
        language="en",
        complainant=application.applicant,
    ).grievance
    return answered(case)


def test_a_signed_in_citizen_rates_an_answer_on_the_complaint_page(client, own_answered_case):
    sign_in(client)
    page = client.get(url("account_complaint", own_answered_case.reference)).content.decode()
    assert "Rate our answer" in page and 'name="score"' in page

    response = client.post(url("account_complaint_rate", own_answered_case.reference), {"score": "5"})

    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your rating" in thanks and "Appeal this answer" not in thanks
    page = client.get(url("account_complaint", own_answered_case.reference)).content.decode()
    assert "5 out of 5" in page and 'name="score"' not in page


def test_a_poor_web_rating_offers_the_appeal_with_one_click(client, own_answered_case):
    sign_in(client)

    response = client.post(url("account_complaint_rate", own_answered_case.reference), {"score": "1"})

    thanks = client.get(response["Location"]).content.decode()
    appeal_link = url("account_complaint_appeal", own_answered_case.reference)
    assert f'href="{appeal_link}"' in thanks
    assert client.get(appeal_link).status_code == 200


def test_a_rating_out_of_range_is_refused_with_a_message(client, own_answered_case):
    sign_in(client)

    response = client.post(url("account_complaint_rate", own_answered_case.reference), {"score": "9"})

    assert response.status_code == 400 and "Choose a number from 1 to 5." in response.content.decode()
    assert Grievance.objects.get(pk=own_answered_case.pk).rating is None


def test_someone_elses_complaint_cannot_be_rated(client, own_answered_case):
    sign_in(client, phone="+254722000111")

    response = client.post(url("account_complaint_rate", own_answered_case.reference), {"score": "1"})

    assert response.status_code == 404


@pytest.fixture
def anonymous_answered(programmes):
    filing = file_grievance(
        category="other", description="Nobody answers at the office.", channel="web", language="fr", anonymous=True
    )
    answered(filing.grievance)
    return filing.grievance, filing.pin


def test_a_complaint_tracked_with_its_pin_is_rated_and_appealed_on_the_web(client, anonymous_answered):
    case, pin = anonymous_answered
    page = client.post(url("track"), {"reference": case.reference, "pin": pin}).content.decode()
    assert "Rate our answer" in page

    response = client.post(url("tracked_case_rate", case.reference), {"score": "2"})
    thanks = client.get(response["Location"]).content.decode()
    appeal_link = url("tracked_case_appeal", case.reference)
    assert f'href="{appeal_link}"' in thanks

    form = client.get(appeal_link).content.decode()
    token = form.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post(appeal_link, {"reason": "The office is still closed.", "token": token})

    appeal = Grievance.objects.get(appeal_of=case)
    body = done.content.decode()
    assert appeal.is_anonymous and "Appeal received" in body and "Your PIN" in body
    assert Grievance.objects.get(pk=case.pk).rating == 2


def test_without_the_pin_this_browser_cannot_rate_or_appeal(client, anonymous_answered):
    case, _pin = anonymous_answered

    rate = client.post(url("tracked_case_rate", case.reference), {"score": "1"})
    appeal = client.get(url("tracked_case_appeal", case.reference))

    assert rate.status_code == 302 and rate["Location"] == url("track")
    assert appeal.status_code == 302
    assert Grievance.objects.get(pk=case.pk).rating is None


# --- The back-office ------------------------------------------------------------------------------


def test_the_officer_sees_the_rating_on_the_case_page_and_the_dashboard(client, programmes):
    case = answered(complaint())
    rate_answer(case, 2, owner(channel="sms"))
    officer = make_staff("olga", GRIEVANCE_OFFICER, ME_VIEWER)
    sign_in_verified(client, officer)

    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    dashboard = client.get("/admin/dashboard/").content.decode()

    assert "Citizen&#x27;s rating" in page and "2 out of 5 (Poor)" in page
    assert "Answers rated" in dashboard and "2 – Poor" in dashboard
