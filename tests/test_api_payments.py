"""The payment system posts payment events: each taken once, the latest wins, the person told when money goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.scopes import PAYMENTS_WRITE
from registry.decisions import decide
from registry.models import Payment, PaymentEvent, ProgrammeApplication
from sms.models import OutboundMessage
from tests.api_helpers import make_partner, token_for
from tests.backoffice_helpers import make_staff, submit_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer(client, programmes):
    _partner, client_id, secret = make_partner(
        "payments", scopes=[PAYMENTS_WRITE], programmes=[programmes["old-age-pension"]]
    )
    return token_for(client, client_id, secret)


@pytest.fixture
def enrolled(programmes, areas):
    application = submit_application(["old-age-pension"], areas["mombasa"])
    officer = make_staff("pat", "Programme officer")
    pa = ProgrammeApplication.objects.get(application=application)
    programmes["old-age-pension"].officers.add(officer)
    decide(pa, "enrolled", "", "", officer)
    return pa


def _event(pa, status, *, event_id, payment_id="p-1", minutes=0, amount="2000.00"):
    return {
        "event_id": event_id,
        "payment_id": payment_id,
        "application_reference": pa.application.reference,
        "programme": "old-age-pension",
        "status": status,
        "amount": amount,
        "currency": "KES",
        "channel": "mobile_money",
        "payment_date": "2026-12-05",
        "occurred_at": (datetime(2026, 12, 1, 8, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat(),
    }


def _post(client, token, *events):
    return client.post(
        "/api/v1/payments/",
        {"events": list(events)},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_payment_sent_is_recorded_and_the_person_is_told_once(client, payer, enrolled):
    response = _post(
        client, payer, _event(enrolled, "scheduled", event_id="e1"), _event(enrolled, "sent", event_id="e2", minutes=5)
    )

    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["recorded", "recorded"]
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.channel) == ("sent", 2000, "mobile_money")
    (sms,) = OutboundMessage.objects.filter(template="payment_sent")
    assert "KES 2,000" in sms.body


def test_the_same_event_twice_is_taken_once(client, payer, enrolled):
    _post(client, payer, _event(enrolled, "sent", event_id="e1"))

    again = _post(client, payer, _event(enrolled, "sent", event_id="e1"))

    assert again.json()["results"][0]["result"] == "repeat"
    assert PaymentEvent.objects.count() == 1
    assert OutboundMessage.objects.filter(template="payment_sent").count() == 1


def test_an_event_id_reused_for_another_event_is_refused(client, payer, enrolled):
    _post(client, payer, _event(enrolled, "sent", event_id="e1"))

    clash = _post(client, payer, _event(enrolled, "paid", event_id="e1", minutes=9))

    assert clash.json()["results"][0]["result"] == "rejected"
    assert Payment.objects.get().status == "sent"


def test_events_that_arrive_out_of_order_leave_the_latest_status(client, payer, enrolled):
    _post(client, payer, _event(enrolled, "paid", event_id="e3", minutes=30))

    _post(client, payer, _event(enrolled, "sent", event_id="e2", minutes=10))

    assert Payment.objects.get().status == "paid"
    assert PaymentEvent.objects.count() == 2


def test_only_enrolled_people_are_paid(client, payer, programmes, areas):
    application = submit_application(["old-age-pension"], areas["mombasa"], phone="+254712000099")
    pa = ProgrammeApplication.objects.get(application=application)

    response = _post(client, payer, _event(pa, "sent", event_id="e1"))

    assert response.json()["results"][0]["reason_code"] == "not_enrolled"
    assert not Payment.objects.exists()


def test_a_payment_system_cannot_pay_another_programme(client, programmes, areas, enrolled):
    _partner, client_id, secret = make_partner(
        "other-pay", scopes=[PAYMENTS_WRITE], programmes=[programmes["disability-grant"]]
    )
    token = token_for(client, client_id, secret)

    response = _post(client, token, _event(enrolled, "sent", event_id="e1"))

    assert response.json()["results"][0]["reason_code"] == "forbidden_programme"


def test_a_programme_that_does_not_want_payment_sms_sends_none(client, payer, enrolled):
    enrolled.programme.notify_payment_sent = False
    enrolled.programme.save()

    _post(client, payer, _event(enrolled, "sent", event_id="e1"))

    assert not OutboundMessage.objects.filter(template="payment_sent").exists()


def test_an_event_without_its_time_zone_is_refused_with_the_field_named(client, payer, enrolled):
    event = _event(enrolled, "sent", event_id="e1")
    event["occurred_at"] = "2026-12-01T08:00:00"

    response = _post(client, payer, event)

    assert response.status_code == 422
    assert "occurred_at" in response.json()["error"]["message"]


def test_payments_need_the_payments_scope(client, enrolled):
    _partner, client_id, secret = make_partner("nosy", scopes=["registry:search"], every_programme=True)
    token = token_for(client, client_id, secret)

    response = _post(client, token, _event(enrolled, "sent", event_id="e1"))

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_the_api_is_described_by_openapi_3_1(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.1")
    operation = schema["paths"]["/api/v1/payments/"]["post"]
    assert operation["security"] == [{"PartnerToken": ["payments:write"]}]
    scheme = schema["components"]["securitySchemes"]["PartnerToken"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token/"
