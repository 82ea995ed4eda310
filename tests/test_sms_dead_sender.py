"""A sender killed mid-send leaves an unconfirmed message: a delivery report settles it; without one it is
sent once more only when a repeat is harmless."""

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
Status = OutboundMessage.Status


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def abandon(template: str, context: dict) -> tuple[OutboundMessage, str]:
    """A message claimed by a sender that died before recording anything, and its body."""
    start = timezone.now()
    with at(start):
        message = enqueue(PHONE, template, "en", context)
        claimed = claim(message.pk)
    assert claimed.status == Status.SENDING
    return claimed, claimed.body


@pytest.fixture
def abandoned(db, fake_at):
    """A sign-in code (a repeat is harmless) claimed by a sender that died."""
    return abandon("sign_in_code", {"code": "123456"})


@pytest.fixture
def abandoned_reply(db, fake_at):
    """An officer's reply notice (a repeat would confuse) claimed by a sender that died."""
    return abandon("grievance_reply", {"reference": "G-1234-5678"})


def test_nobody_else_sends_a_claimed_message(abandoned, fake_at):
    message, _ = abandoned
    assert send_message(message.pk) is None
    with at(message.claimed_at + timedelta(seconds=100)):
        assert relay_outbox() == 0

    assert fake_at.requests == []


def test_a_message_the_provider_took_before_its_sender_died_is_recorded_not_resent(
    abandoned, fake_at, client, callback_token
):
    message, body = abandoned
    with at(message.claimed_at + timedelta(seconds=1)):
        result = AfricasTalkingGateway().send(message.to, body)  # ... and then the sender dies
        fields = delivery_report_fields(result.provider_message_id, "Success", phone=PHONE)
        assert client.post(f"/sms/at/{callback_token}/delivery/", fields).status_code == 200

    with at(message.claimed_at + timedelta(seconds=121)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.provider_message_id == result.provider_message_id
    assert fake_at.bodies() == [body]


def test_a_sign_in_code_that_never_reached_the_provider_is_sent_once_more_after_the_wait(abandoned, fake_at):
    message, body = abandoned
    with at(message.claimed_at + timedelta(seconds=200)):
        relay_outbox()
    message.refresh_from_db()
    assert message.status == Status.UNCONFIRMED
    assert fake_at.requests == []  # still waiting for a delivery report that may come

    with at(message.claimed_at + timedelta(seconds=301)):  # half of the code's ten minutes
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert (message.attempts, message.resends) == (2, 1)
    assert fake_at.bodies() == [body]


def test_a_decision_whose_sender_died_is_never_sent_again_blindly(abandoned_reply, fake_at):
    message, _ = abandoned_reply
    with at(message.claimed_at + timedelta(seconds=601)):
        relay_outbox()
    with at(message.claimed_at + timedelta(hours=2)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.UNCONFIRMED
    assert message.next_attempt_at is None
    assert message.failure_reason.startswith("no delivery report")
    assert fake_at.requests == []


def test_a_report_from_before_the_claim_is_not_taken_for_it(abandoned, fake_at, client, callback_token):
    message, body = abandoned
    with at(message.claimed_at - timedelta(minutes=5)):
        fields = delivery_report_fields("ATXid_older", "Success", phone=PHONE)
        client.post(f"/sms/at/{callback_token}/delivery/", fields)

    with at(message.claimed_at + timedelta(seconds=301)):
        relay_outbox()

    message.refresh_from_db()
    assert message.provider_message_id != "ATXid_older"
    assert fake_at.bodies() == [body]


def test_a_sender_that_comes_back_after_its_claim_was_settled_changes_nothing(abandoned, fake_at):
    message, _ = abandoned
    with at(message.claimed_at + timedelta(seconds=301)):
        relay_outbox()
    settled = OutboundMessage.objects.get(pk=message.pk)

    late = record_outcome(message, SendResult(Outcome.SENT, provider_message_id="ATXid_late"))

    assert late is Outcome.SENT
    assert OutboundMessage.objects.get(pk=message.pk).provider_message_id == settled.provider_message_id
