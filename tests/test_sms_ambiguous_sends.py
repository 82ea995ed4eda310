"""An ambiguous send is never blindly repeated: the real SDK against the fake AT's odd and late answers.

Timeouts after the request left, 2xx answers that cannot be fully read and unknown statuses end as
*unconfirmed*; delivery reports settle them (by id, or by number and time when AT gave no id); without a
report a message is sent once more only when its template says a repeat is harmless.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sms.gateways import Outcome
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


def queue_decision() -> OutboundMessage:
    """A decision: a second copy would confuse."""
    return enqueue(PHONE, "application_enrolled", "en", {"reference": "A-1234-5678", "programme": "Child grant"})


def queue_code(code: str = "123456") -> OutboundMessage:
    """A sign-in code: a second copy is harmless."""
    return enqueue(PHONE, "sign_in_code", "en", {"code": code})


def report(client, token: str, message_id: str, status: str = "Success", failure_reason: str = "") -> None:
    fields = delivery_report_fields(message_id, status, phone=PHONE, failure_reason=failure_reason)
    assert client.post(f"/sms/at/{token}/delivery/", fields).status_code == 200


# --- the gateway reads every answer AT gives, and never raises ------------------------------------


def test_a_json_answer_with_a_charset_is_read_as_sent(db, fake_at):
    fake_at.script_answers("charset")

    result = AfricasTalkingGateway().send(PHONE, "hello")

    assert result.outcome is Outcome.SENT
    assert result.provider_message_id == fake_at.messages[0].message_id


def test_an_invalid_sender_id_answer_without_recipients_fails_for_good(db, fake_at):
    fake_at.script_answers("invalid_sender")
    message = queue_decision()

    assert send_message(message.pk) == Outcome.FAILED
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "InvalidSenderId" in message.failure_reason
    with at(timezone.now() + timedelta(hours=7)):
        relay_outbox()
    assert len(fake_at.requests) == 1


def test_a_success_recipient_without_a_status_code_is_sent(db, fake_at):
    fake_at.script_answers("no_status_code")
    message = queue_decision()

    assert send_message(message.pk) == Outcome.SENT
    message.refresh_from_db()
    assert message.provider_message_id == fake_at.messages[0].message_id


@pytest.mark.parametrize("kind", ["unreadable_recipients", "not_json", "unknown_code"])
def test_an_answer_that_cannot_be_fully_read_is_unconfirmed_without_an_exception(db, fake_at, kind):
    fake_at.script_answers(kind)

    result = AfricasTalkingGateway().send(PHONE, "hello")

    assert result.outcome is Outcome.UNCONFIRMED
    assert len(fake_at.messages) == 1  # AT took it: sending again would deliver it twice


def test_a_do_not_disturb_rejection_fails_for_good(db, fake_at):
    fake_at.script_recipient(PHONE, 409)

    result = AfricasTalkingGateway().send(PHONE, "hello")

    assert (result.outcome, result.reason) == (Outcome.FAILED, "409 DoNotDisturbRejection")


def test_an_unexpected_error_inside_the_sdk_after_sending_is_unconfirmed_not_raised(db, fake_at):
    with mock.patch("requests.models.Response.json", side_effect=RuntimeError("surprise")):
        result = AfricasTalkingGateway().send(PHONE, "hello")

    assert result.outcome is Outcome.UNCONFIRMED
    assert len(fake_at.messages) == 1


# --- unconfirmed sends are settled by delivery reports --------------------------------------------


def test_an_unknown_status_is_settled_by_the_report_with_its_id(db, fake_at, client, callback_token):
    fake_at.script_answers("unknown_code")
    message = queue_decision()

    assert send_message(message.pk) == Outcome.UNCONFIRMED
    report(client, callback_token, fake_at.messages[0].message_id, "Success")

    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.sent_at is not None


def test_a_message_accepted_after_our_timeout_is_matched_to_its_report_by_number_and_sent_once(
    db, fake_at, client, callback_token, settings
):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0)
    message = queue_decision()
    start = timezone.now()

    assert send_message(message.pk) == Outcome.UNCONFIRMED
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == (Status.UNCONFIRMED, "")
    report(client, callback_token, fake_at.messages[0].message_id, "Success")  # AT never told us this id
    with at(start + timedelta(minutes=2)):
        relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.provider_message_id == fake_at.messages[0].message_id
    with at(start + timedelta(hours=7)):
        relay_outbox()
    assert len(fake_at.messages) == 1


def test_an_unconfirmed_decision_without_any_report_is_never_sent_again(db, fake_at, settings):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0)
    message = queue_decision()
    start = timezone.now()
    send_message(message.pk)

    for minutes in (5, 11, 60, 7 * 60):
        with at(start + timedelta(minutes=minutes)):
            relay_outbox()

    message.refresh_from_db()
    assert message.status == Status.UNCONFIRMED
    assert message.next_attempt_at is None
    assert "no delivery report" in message.failure_reason
    assert len(fake_at.requests) == 1


def test_an_unconfirmed_sign_in_code_without_any_report_is_sent_again_at_most_once(db, fake_at, settings):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0, times=2)
    message = queue_code()
    start = timezone.now()
    with at(start):
        assert send_message(message.pk) == Outcome.UNCONFIRMED

    with at(start + timedelta(minutes=4)):
        relay_outbox()
    assert len(fake_at.requests) == 1  # still waiting for a report
    with at(start + timedelta(minutes=5, seconds=1)):
        relay_outbox()  # no report within half the code's lifetime: sent once more, unconfirmed again
    with at(start + timedelta(minutes=9)):
        relay_outbox()

    message.refresh_from_db()
    assert (message.status, message.resends, message.attempts) == (Status.UNCONFIRMED, 1, 2)
    assert len(fake_at.requests) == 2


def test_a_report_is_not_taken_for_an_unconfirmed_message_while_another_to_that_phone_is_being_sent(
    db, fake_at, client, callback_token, settings
):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0)
    first = queue_decision()
    start = timezone.now()
    with at(start):
        send_message(first.pk)
    second = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})
    with at(start + timedelta(seconds=5)):
        from sms.delivery import claim

        in_flight = claim(second.pk)
    report(client, callback_token, "ATXid_maybe_the_second", "Success")

    with at(start + timedelta(seconds=30)):
        relay_outbox()
    first.refresh_from_db()
    assert first.status == Status.UNCONFIRMED  # the report may be the second message's

    assert in_flight is not None


def test_several_unconfirmed_messages_to_one_phone_take_reports_oldest_first(
    db, fake_at, client, callback_token, settings
):
    settings.AT_TIMEOUT_SECONDS = 0.3
    fake_at.accept_then_delay(1.0, times=2)
    start = timezone.now()
    with at(start):
        first = queue_decision()
        send_message(first.pk)
    with at(start + timedelta(seconds=10)):
        second = enqueue(PHONE, "grievance_reply", "en", {"reference": "G-1234-5678"})
        send_message(second.pk)
    report(client, callback_token, fake_at.messages[0].message_id, "Success")

    with at(start + timedelta(minutes=1)):
        relay_outbox()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.DELIVERED
    assert second.status == Status.UNCONFIRMED
    assert len(fake_at.requests) == 2


# --- delivery statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "reason"), [("AbsentSubscriber", ""), ("Failed", "AbsentSubscriber")])
def test_an_absent_subscriber_report_fails_the_send_and_retries_later(
    db, fake_at, client, callback_token, settings, status, reason
):
    settings.SMS_RETRY_JITTER_PERCENT = 0
    message = queue_decision()
    start = timezone.now()
    with at(start):
        send_message(message.pk)
        report(client, callback_token, fake_at.messages[0].message_id, status, reason)

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.next_attempt_at == start + timedelta(seconds=settings.SMS_RETRY_DELAYS_SECONDS[0])
    with at(message.next_attempt_at):
        assert send_message(message.pk) == Outcome.SENT
    report(client, callback_token, fake_at.messages[1].message_id, "Success")

    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert len(fake_at.messages) == 2
