"""The AT callback: a secret path, text/plain CON/END answers, and a polite END for anything odd."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ussd.testing import UssdPhone

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"


def hop(client, token=None, **fields):
    data = {
        "sessionId": "ATUid_endpoint",
        "serviceCode": settings.USSD_SERVICE_CODE,
        "phoneNumber": PHONE,
        "networkCode": "63902",
        "text": "",
    }
    data.update(fields)
    return client.post(reverse("ussd:at_callback", args=[token or settings.AT_CALLBACK_TOKEN]), data)


def test_a_wrong_token_gets_404(client, programmes):
    assert hop(client, token="not-the-token").status_code == 404
    assert hop(client, token=settings.AT_CALLBACK_TOKEN + "x").status_code == 404
    events = reverse("ussd:at_events", args=["not-the-token"])
    assert client.post(events, {"sessionId": "ATUid_endpoint"}).status_code == 404


def test_the_first_hop_answers_con_in_plain_text(client, programmes):
    response = hop(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("CON ")


def test_the_callback_needs_no_csrf_token(programmes):
    strict = Client(enforce_csrf_checks=True)
    assert hop(strict).status_code == 200


def test_a_wrong_service_code_ends_the_session_with_a_short_message(client, programmes):
    response = hop(client, serviceCode="*999#")
    assert response.status_code == 200
    assert response.content.decode().startswith("END ")


@pytest.mark.parametrize(
    "fields",
    [
        {"sessionId": ""},
        {"sessionId": "bad id with spaces"},
        {"sessionId": "x" * 300},
        {"phoneNumber": ""},
        {"phoneNumber": "not a phone"},
        {"phoneNumber": "+1"},
        {"networkCode": "abc"},
        {"text": "1" * 5000},
    ],
)
def test_malformed_fields_end_the_session_instead_of_failing(client, programmes, fields):
    response = hop(client, **fields)
    assert response.status_code == 200
    assert response.content.decode().startswith("END ")


def test_missing_fields_end_the_session_instead_of_failing(client, programmes):
    response = client.post(reverse("ussd:at_callback", args=[settings.AT_CALLBACK_TOKEN]), {})
    assert response.status_code == 200 and response.content.decode().startswith("END ")


def test_a_session_id_reused_by_another_phone_is_refused(client, programmes):
    hop(client, sessionId="ATUid_shared")
    response = hop(client, sessionId="ATUid_shared", phoneNumber="+254722000111", text="1")
    assert response.content.decode().startswith("END ")


def test_hops_beyond_the_per_phone_limit_get_a_polite_end(client, programmes, settings):
    settings.USSD_HOPS_PER_PHONE_PER_MINUTE = 5
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()  # 1
    phone.send("1")  # 2: English, main menu
    replies = [phone.send(key) for key in ("7", "0", "7", "0")]  # 3 to 6: language screen and back
    assert [reply[:4] for reply in replies] == ["CON ", "CON ", "CON ", "END "]
    assert "minute" in replies[-1]
    # The limit is per phone number, not per client address (AT's traffic comes from a few IPs).
    other = UssdPhone(client, phone="+254722000111")
    assert other.dial().startswith("CON ")


def test_a_replayed_hop_is_not_counted_against_the_limit(client, programmes, settings):
    settings.USSD_HOPS_PER_PHONE_PER_MINUTE = 3
    phone = UssdPhone(client, phone=PHONE)
    first = phone.dial()
    for _ in range(10):
        assert phone.post("") == first


def test_a_failing_cache_or_database_still_gets_a_polite_end(client, programmes, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("ussd.hop.session_for_hop", broken)
    response = hop(client)
    assert response.status_code == 200
    assert response.content.decode().startswith("END ")


def test_a_failing_screen_ends_the_session_politely_and_stays_ended(client, programmes, monkeypatch):
    phone = UssdPhone(client, phone=PHONE)
    phone.dial()
    phone.send("1")
    monkeypatch.setattr("ussd.screens.home.MainScreen.choose", lambda self, ctx, value: 1 / 0)
    assert phone.send("2").startswith("END ")
    monkeypatch.undo()
    assert phone.send("1").startswith("END ")
