"""Answers reveal nothing about someone else, and nobody puts a complaint into someone else's account.

Issue 13, point 8.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from grievances.models import CallbackRequest, Grievance, PhoneConfirmation
from grievances.services import file_grievance, request_callback
from grievances.tracking import TrackingError, track_grievance
from portal.citizens import grievances_of_user
from sms.models import OutboundMessage
from tests.portal_helpers import PHONE, sign_in, url

pytestmark = pytest.mark.django_db

pytest_plugins = ["tests.fakes.fixtures"]


def without_tokens(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def complain_signed_out(client, phone: str = PHONE, **extra):
    fields = {"category": "sexual_exploitation", "description": "He said I must pay him.", "token": "", "phone": phone}
    fields.update(extra)
    return client.post(url("complain"), fields, REMOTE_ADDR="203.0.113.50")


def confirmation_link(phone: str = PHONE) -> str:
    message = OutboundMessage.objects.filter(to=phone, template="confirm_phone").order_by("-id").first()
    assert message is not None, "no confirmation SMS"
    return re.search(r"https?://\S+/confirm/[-_A-Za-z0-9]+/", message.body).group(0)


def test_asking_a_call_back_for_someone_elses_number_tells_nothing_about_their_queue(client):
    fresh = client.post(url("call_me_back"), {"phone": "+254711222333", "reason": "other"})
    request_callback(phone="+254722333444", reason="payment", channel="ussd", language="en")
    sms_before = OutboundMessage.objects.count()
    waiting = client.post(url("call_me_back"), {"phone": "+254722333444", "reason": "other"})
    assert fresh.status_code == waiting.status_code == 200
    assert without_tokens(fresh.content.decode()) == without_tokens(waiting.content.decode())
    assert "already" not in waiting.content.decode()
    assert OutboundMessage.objects.count() == sms_before, "no SMS either way"
    assert CallbackRequest.objects.filter(phone="+254722333444").count() == 1, "still not queued twice"


def test_a_complaint_filed_signed_out_with_someone_elses_phone_stays_out_of_their_account_until_they_confirm(
    client,
):
    done = complain_signed_out(client)
    assert done.status_code == 200
    assert "asking its owner to confirm" in done.content.decode()
    case = Grievance.objects.get()
    assert case.contact_phone == "" and PhoneConfirmation.objects.get(grievance=case).phone == PHONE
    # The owner of the number: not in their account, not tracked from their phone, no news by SMS.
    owner = type(client)()
    sign_in(owner, PHONE)
    user = get_user_model().objects.get(username=PHONE)
    assert not grievances_of_user(user).exists()
    with pytest.raises(TrackingError):
        track_grievance(case.reference, phone=PHONE)
    sent = OutboundMessage.objects.filter(to=PHONE).exclude(template="sign_in_code")
    assert list(sent.values_list("template", flat=True)) == ["confirm_phone"]
    body = sent.get().body
    assert case.reference not in body.replace(" ", ""), "no reference in the SMS"
    assert "exploitation" not in body.lower() and "pay him" not in body, "no category or detail in the SMS"
    assert "confirm" in body

    # They confirm from the link (a GET changes nothing: SMS apps preview links).
    link = confirmation_link().split("://", 1)[1].split("/", 1)[1]
    page = owner.get("/" + link)
    assert page.status_code == 200 and "Is this complaint yours?" in page.content.decode()
    assert "He said I must pay him." not in page.content.decode(), "the page shows nothing the filer wrote"
    assert Grievance.objects.get().contact_phone == ""
    answered = owner.post("/" + link, {"answer": "yes"})
    assert answered.status_code == 200
    assert grievances_of_user(user).get() == case
    assert OutboundMessage.objects.filter(to=PHONE, template="grievance_received").count() == 1
    assert owner.get("/" + link).status_code == 404, "a link answers once"


def test_the_owner_of_a_named_number_can_refuse_the_complaint(client):
    complain_signed_out(client)
    link = "/" + confirmation_link().split("://", 1)[1].split("/", 1)[1]
    assert client.post(link, {"answer": "no"}).status_code == 200
    case = Grievance.objects.get()
    assert case.contact_phone == ""
    assert PhoneConfirmation.objects.get(grievance=case).declined_at is not None
    assert client.post(link, {"answer": "yes"}).status_code == 404


def test_complaints_naming_one_number_text_it_once_a_day_however_many_there_are(client):
    for n in range(5):
        type(client)().post(
            url("complain"),
            {"category": "other", "description": f"Complaint {n}.", "token": "", "phone": PHONE},
            REMOTE_ADDR=f"203.0.113.{60 + n}",
        )
    assert Grievance.objects.count() == 5
    assert OutboundMessage.objects.filter(to=PHONE).count() == 1


def test_a_guessed_confirmation_link_opens_nothing(client):
    complain_signed_out(client)
    assert client.get("/confirm/AAAAAAAAAAAA/").status_code == 404
    assert client.post("/confirm/AAAAAAAAAAAA/", {"answer": "yes"}).status_code == 404
    assert Grievance.objects.get().contact_phone == ""


def test_a_signed_in_citizens_complaint_is_in_their_account_at_once(client):
    sign_in(client, PHONE)
    client.post(url("complain"), {"category": "other", "description": "Nobody answers.", "token": ""})
    case = Grievance.objects.get()
    assert case.contact_phone == PHONE and not PhoneConfirmation.objects.exists()


def test_a_complaint_by_sms_or_ussd_comes_from_the_phone_itself_and_needs_no_confirmation():
    case = file_grievance(category="other", description="x", channel="sms", language="en", phone=PHONE).grievance
    assert case.contact_phone == PHONE and not PhoneConfirmation.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr", "sw", "ar"])
def test_the_confirmation_sms_and_page_speak_the_persons_language(client, language):
    from registry.preferences import set_phone_language

    set_phone_language(PHONE, language)
    complain_signed_out(client)
    message = OutboundMessage.objects.get(to=PHONE, template="confirm_phone")
    assert message.language == language
    prefix = "" if language == "en" else f"/{language}"
    assert f"{prefix}/confirm/" in message.body
