"""An erased person's number and words leave the SMS kept, except what is still on its way to them."""

from __future__ import annotations

import pytest

from privacy.anonymise import anonymise_person
from privacy.models import Anonymisation
from sms.models import DeliveryReport, InboundMessage, OutboundMessage
from tests.backoffice_helpers import submit_application

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status


def _outbound(phone: str, status: str, body: str) -> OutboundMessage:
    return OutboundMessage.objects.create(
        to=phone, template="grievance_reply", language="en", body=body, encoding="gsm", parts=1, status=status
    )


def test_an_erasure_takes_the_persons_number_and_words_out_of_settled_sms(programmes, areas):
    person = submit_application(["old-age-pension"], areas["kilifi"], given_name="Zawadi").applicant
    phone = person.phone
    delivered = _outbound(phone, Status.DELIVERED, "Lango: new reply on case 1234 5678 90.")
    on_its_way = _outbound(phone, Status.PENDING, "Lango: your request was decided.")
    inbound = InboundMessage.objects.create(provider_id="ATXin_erase", sender=phone, text="STATUS Zawadi")
    report = DeliveryReport.objects.create(provider_message_id="ATXid_1", status="Success", phone=phone)
    someone_else = _outbound("+254700000999", Status.DELIVERED, "Lango: someone else's message.")

    anonymise_person(person.pk, Anonymisation.Reason.ERASURE)

    delivered.refresh_from_db()
    assert (delivered.to, delivered.body, delivered.status) == ("", "", Status.DELIVERED)
    inbound.refresh_from_db()
    assert (inbound.sender, inbound.text) == ("", "")
    report.refresh_from_db()
    assert report.phone == ""
    on_its_way.refresh_from_db()
    assert on_its_way.to == phone, "a message still on its way keeps the number it needs"
    someone_else.refresh_from_db()
    assert someone_else.to == "+254700000999"
