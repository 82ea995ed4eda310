"""Complaints without signing in, anonymous ones that keep nothing identifying, tracking, call-backs."""

from __future__ import annotations

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grievances.models import CallbackRequest, Grievance
from sms.models import OutboundMessage
from tests.portal_helpers import PHONE, apply_as, sign_in, url

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"


def complain(client, **data):
    fields = {"category": "fraud_corruption", "description": "An officer asked me for money.", "token": ""}
    fields.update(data)
    return client.post(url("complain"), fields, REMOTE_ADDR=CLIENT_ADDRESS)


def shown_reference_and_pin(body: str) -> tuple[str, str]:
    numbers = re.findall(r"<strong[^>]*>([\d \u00a0]+)</strong>", body)  # references group with no-break spaces
    return re.sub(r"\s", "", numbers[0]), numbers[1]


def test_an_anonymous_complaint_stores_no_phone_name_or_address(client, caplog):
    caplog.set_level(logging.DEBUG)
    asked = complain(client, anonymous="on", phone="0712345678")
    assert "An anonymous complaint keeps no phone number." in asked.content.decode()
    assert not Grievance.objects.exists(), "a phone typed with anonymity ticked is questioned, not stored"
    response = complain(client, anonymous="on")
    assert response.status_code == 200
    grievance = Grievance.objects.get()
    assert grievance.is_anonymous
    assert grievance.complainant is None
    assert grievance.contact_phone == ""
    assert grievance.channel == "web"
    stored = " ".join(str(getattr(grievance, f.attname)) for f in grievance._meta.concrete_fields)
    assert CLIENT_ADDRESS not in stored
    assert "712345678" not in stored
    events = " ".join(f"{e.message} {e.channel} {e.actor_id}" for e in grievance.events.all())
    assert CLIENT_ADDRESS not in events
    assert CLIENT_ADDRESS not in caplog.text, "nothing logs the address of an anonymous complainant"
    assert OutboundMessage.objects.count() == 0


def test_an_anonymous_complaint_shows_its_reference_and_pin_once(client):
    body = complain(client, anonymous="on").content.decode()
    reference, pin = shown_reference_and_pin(body)
    grievance = Grievance.objects.get()
    assert grievance.reference == reference
    assert re.fullmatch(r"\d{6}", pin)
    assert pin not in grievance.tracking_pin_hash
    assert pin not in str(dict(client.session))
    assert "We show the PIN only once" in body


def test_an_anonymous_complaint_is_tracked_only_with_its_pin(client):
    reference, pin = shown_reference_and_pin(complain(client, anonymous="on").content.decode())
    without = client.post(url("track"), {"reference": reference, "pin": ""})
    assert "Enter the PIN" in without.content.decode()
    wrong = client.post(url("track"), {"reference": reference, "pin": "0000" if pin != "0000" else "1111"})
    assert "That PIN is not right." in wrong.content.decode()
    right = client.post(url("track"), {"reference": reference, "pin": pin})
    assert right.status_code == 200
    assert "Received" in right.content.decode()


def test_anonymous_tracking_shows_the_status_and_public_replies_only(client):
    reference, pin = shown_reference_and_pin(complain(client, anonymous="on").content.decode())
    grievance = Grievance.objects.get()
    grievance.events.create(kind="note", is_public=False, message="Suspect is officer K.")
    grievance.events.create(kind="reply", is_public=True, message="We have opened an investigation.")
    body = client.post(url("track"), {"reference": reference, "pin": pin}).content.decode()
    assert "We have opened an investigation." in body
    assert "Suspect is officer K." not in body
    assert "An officer asked me for money." not in body, "not even what the person wrote"


def test_a_mistyped_reference_is_caught_before_any_lookup(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("track"), {"reference": "2 1234 5678 0", "pin": "1234"})
    assert "That reference is not right." in response.content.decode()
    assert not [q for q in queries.captured_queries if "grievances_grievance" in q["sql"]]


def test_a_complaint_with_a_phone_asks_the_phone_to_confirm_before_it_is_acknowledged_there(client):
    body = complain(client, category="payment_not_received", phone="0712345678").content.decode()
    grievance = Grievance.objects.get()
    assert grievance.contact_phone == "", "the number joins the case once its owner confirms"
    assert grievance.phone_confirmation.phone == PHONE
    assert not grievance.is_anonymous
    assert list(OutboundMessage.objects.filter(to=PHONE).values_list("template", flat=True)) == ["confirm_phone"]
    assert "asking its owner to confirm the complaint" in body


def test_a_complaint_that_is_not_anonymous_needs_a_phone_or_a_signed_in_citizen(client):
    body = complain(client).content.decode()
    assert '<a href="#id_phone">Enter your phone number, or tick the box to stay anonymous.</a>' in body
    assert Grievance.objects.count() == 0


def test_a_complaint_sent_twice_is_one_complaint(client):
    token = client.get(url("complain")).context["form"]["token"].value()
    complain(client, anonymous="on", token=token)
    second = complain(client, anonymous="on", token=token).content.decode()
    assert Grievance.objects.count() == 1
    assert "We already had this complaint." in second


def test_a_signed_in_citizen_names_their_own_application(client, programmes, areas):
    application = apply_as(PHONE)
    sign_in(client)
    pa = application.programme_applications.get()
    complain(client, category="payment_not_received", related=str(pa.pk))
    grievance = Grievance.objects.get()
    assert grievance.related_programme_application == pa
    assert grievance.complainant == application.applicant


def test_an_anonymous_complaint_cannot_name_an_application(client, programmes, areas):
    application = apply_as(PHONE)
    sign_in(client)
    body = complain(client, anonymous="on", related=str(application.programme_applications.get().pk)).content.decode()
    assert "An anonymous complaint cannot name your application." in body
    assert Grievance.objects.count() == 0


def test_a_signed_in_anonymous_complaint_keeps_nothing_of_the_citizen(client, programmes, areas):
    apply_as(PHONE)
    sign_in(client)
    complain(client, anonymous="on")
    grievance = Grievance.objects.get()
    assert (grievance.complainant, grievance.contact_phone, grievance.is_anonymous) == (None, "", True)


def test_the_owner_tracks_by_reference_alone(client, programmes, areas):
    apply_as(PHONE)
    sign_in(client)
    complain(client, category="other")
    grievance = Grievance.objects.get()
    response = client.post(url("track"), {"reference": grievance.reference, "pin": ""})
    assert response.status_code == 302
    assert response["Location"] == url("account_complaint", grievance.reference)


def test_too_many_complaints_from_one_address_are_refused(client):
    for _ in range(10):
        complain(client, anonymous="on")
    response = complain(client, anonymous="on")
    assert response.status_code == 429
    assert Grievance.objects.count() == 10


def test_guessing_pins_is_rate_limited(client):
    reference, _pin = shown_reference_and_pin(complain(client, anonymous="on").content.decode())
    statuses = [client.post(url("track"), {"reference": reference, "pin": "9999"}).status_code for _ in range(31)]
    assert statuses[-1] == 429


def test_a_call_back_request_is_taken(client):
    response = client.post(url("call_me_back"), {"phone": "0712 345 678", "reason": "payment"})
    assert response.status_code == 200
    callback = CallbackRequest.objects.get()
    assert (callback.phone, callback.reason, callback.channel) == (PHONE, "payment", "web")
    assert "We will call you within 48 hours." in response.content.decode()


def test_a_second_call_back_request_joins_the_same_queue_place(client):
    client.post(url("call_me_back"), {"phone": "0712345678", "reason": "payment"})
    body = client.post(url("call_me_back"), {"phone": "0712345678", "reason": "other"}).content.decode()
    assert CallbackRequest.objects.count() == 1
    assert "We will call you within 48 hours." in body


def test_call_back_requests_are_rate_limited(client):
    statuses = [
        client.post(url("call_me_back"), {"phone": f"07123456{n:02d}", "reason": "other"}).status_code for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_an_anonymous_complaint_needs_no_sign_in_and_works_in_every_language(programmes):
    for language in ("fr", "sw", "ar"):
        client = Client()
        response = client.post(
            url("complain", language=language),
            {"category": "other", "description": "x", "anonymous": "on", "token": ""},
        )
        assert response.status_code == 200
        assert f'<html lang="{language}"' in response.content.decode()
    assert set(Grievance.objects.values_list("language", flat=True)) == {"fr", "sw", "ar"}
