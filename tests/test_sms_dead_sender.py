"""A sender killed mid-send: if the provider reported on the message it counts as sent, else it is sent again."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sms.delivery import claim, record_outcome
from sms.gateways import Outcome, SendResult
from sms.gateways.africastalking import AfricasTalkingGateway
from sms.models import OutboundMessage
from sms.outbox import enqueue
from sms.tasks import relay_outbox, send_message
from tests.fakes.fake_at import delivery_report_fields

pytest_plugins = ["tests.fakes.fixtures"]

PHONE = "+254712345678"


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def abandoned(db, fake_at):
    """A message claimed by a sender that died before recording anything."""
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, "sign_in_code", "en", {"code": "123456"})
        claimed = claim(message.pk)
    assert claimed.status == OutboundMessage.Status.SENDING
    return claimed


def test_nobody_else_sends_a_claimed_message(abandoned, fake_at):
    assert send_message(abandoned.pk) is None
    with at(abandoned.claimed_at + timedelta(seconds=100)):
        assert relay_outbox() == 0

    assert fake_at.requests == []


def test_a_message_the_provider_took_before_its_sender_died_is_recorded_not_resent(
    abandoned, fake_at, client, callback_token
):
    with at(abandoned.claimed_at + timedelta(seconds=1)):
        result = AfricasTalkingGateway().send(abandoned.to, abandoned.body)  # ... and then the sender dies
        fields = delivery_report_fields(result.provider_message_id, "Success", phone=PHONE)
        assert client.post(f"/sms/at/{callback_token}/delivery/", fields).status_code == 200

    with at(abandoned.claimed_at + timedelta(seconds=121)):
        relay_outbox()

    abandoned.refresh_from_db()
    assert abandoned.status == OutboundMessage.Status.DELIVERED
    assert abandoned.provider_message_id == result.provider_message_id
    assert fake_at.bodies() == [abandoned.body]


def test_a_message_that_never_reached_the_provider_is_sent_again_after_the_reconcile_window(abandoned, fake_at):
    with at(abandoned.claimed_at + timedelta(seconds=300)):
        relay_outbox()
    assert fake_at.requests == []  # still waiting for a delivery report that may come

    with at(abandoned.claimed_at + timedelta(seconds=601)):
        relay_outbox()  # releases it ...
        relay_outbox()  # ... and sends it (due since the claim)

    abandoned.refresh_from_db()
    assert abandoned.status == OutboundMessage.Status.SENT
    assert abandoned.attempts == 2
    assert fake_at.bodies() == [abandoned.body]


def test_a_report_from_before_the_claim_is_not_taken_for_it(abandoned, fake_at, client, callback_token):
    with at(abandoned.claimed_at - timedelta(minutes=5)):
        fields = delivery_report_fields("ATXid_older", "Success", phone=PHONE)
        client.post(f"/sms/at/{callback_token}/delivery/", fields)

    with at(abandoned.claimed_at + timedelta(seconds=601)):
        relay_outbox()
        relay_outbox()

    abandoned.refresh_from_db()
    assert abandoned.provider_message_id != "ATXid_older"
    assert fake_at.bodies() == [abandoned.body]


def test_a_sender_that_comes_back_after_its_claim_was_settled_changes_nothing(abandoned, fake_at):
    with at(abandoned.claimed_at + timedelta(seconds=601)):
        relay_outbox()
        relay_outbox()
    abandoned_again = OutboundMessage.objects.get(pk=abandoned.pk)

    late = record_outcome(abandoned, SendResult(Outcome.SENT, provider_message_id="ATXid_late"))

    assert late is Outcome.SENT
    assert OutboundMessage.objects.get(pk=abandoned.pk).provider_message_id == abandoned_again.provider_message_id
