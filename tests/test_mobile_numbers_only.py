"""Only mobile numbers of the served regions are taken as "your mobile phone" and sent SMS (issue 12, point 8).

A landline or a number abroad would never get the sign-in code, the decision or the reply: it is
refused with a reason in the person's language, and the outbox queues nothing for it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grievances.models import CallbackRequest
from registry.phones import FOREIGN_MOBILE_MESSAGE, NOT_MOBILE_MESSAGE, normalise_mobile_phone
from sms.models import OutboundMessage
from sms.outbox import enqueue
from tests.portal_helpers import url

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "fr", "sw", "ar")
LANDLINE = "020 444 0000"  # Nairobi
FOREIGN_MOBILE = "+33 6 12 34 56 78"
MOBILE = "0712 345 678"


def _message(text, language: str) -> str:
    with translation.override(language):
        return str(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_signing_in_with_a_landline_is_refused_with_a_reason_and_costs_no_sms(client, language):
    body = client.post(url("sign_in", language=language), {"phone": LANDLINE}).content.decode()

    assert _message(NOT_MOBILE_MESSAGE, language) in body.replace("&#x27;", "'").replace("&#39;", "'")
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_signing_in_with_a_foreign_mobile_is_refused_with_a_reason(client, language):
    body = client.post(url("sign_in", language=language), {"phone": FOREIGN_MOBILE}).content.decode()

    assert _message(FOREIGN_MOBILE_MESSAGE, language) in body.replace("&#x27;", "'").replace("&#39;", "'")
    assert not OutboundMessage.objects.exists()


def test_a_mobile_of_the_region_is_taken():
    assert normalise_mobile_phone(MOBILE) == "+254712345678"


def test_more_regions_can_be_served_by_setting(settings):
    with pytest.raises(ValidationError):
        normalise_mobile_phone("+256 772 123456")
    settings.MOBILE_PHONE_REGIONS = ["KE", "UG"]
    assert normalise_mobile_phone("+256 772 123456") == "+256772123456"


def test_a_complaint_with_a_landline_to_answer_on_is_refused(client):
    answers = {"category": "payment_not_received", "description": "No payment since March.", "phone": LANDLINE}
    body = client.post(url("complain"), answers).content.decode()

    assert _message(NOT_MOBILE_MESSAGE, "en") in body.replace("&#x27;", "'").replace("&#39;", "'")
    assert not OutboundMessage.objects.exists()


def test_a_landline_can_be_called_back_but_gets_no_sms(client):
    response = client.post(url("call_me_back"), {"phone": LANDLINE, "reason": "other", "preferred_time": "morning"})

    assert response.status_code in (200, 302)
    assert CallbackRequest.objects.filter(phone="+254204440000").exists()
    assert not OutboundMessage.objects.exists()


def test_the_outbox_queues_nothing_for_a_number_that_cannot_receive_sms():
    assert enqueue("+254204440000", "status_none", "en", {}) is None
    assert enqueue("+33612345678", "status_none", "en", {}) is None
    assert enqueue("+254712345678", "status_none", "en", {}) is not None
    assert list(OutboundMessage.objects.values_list("to", flat=True)) == ["+254712345678"]
